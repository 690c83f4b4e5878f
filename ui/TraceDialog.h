#pragma once

#include "pytrace/ProgramTracer.h"

#include <QDialog>
#include <optional>

class QLineEdit;

namespace pipescope {

// File > Trace a program...: the command line to run (as a shell would split it: quotes and
// backslashes) and the folder to run it in, both remembered for next time.
class TraceDialog : public QDialog
{
    Q_OBJECT

public:
    explicit TraceDialog(QWidget* parent = nullptr);

    // What the dialog asks to trace; nullopt when the command line is empty.
    std::optional<TraceRequest> request() const;
    // Asks; nullopt when cancelled.
    static std::optional<TraceRequest> ask(QWidget* parent);

private:
    void remember() const;

    QLineEdit* m_command;
    QLineEdit* m_directory;
};

} // namespace pipescope
