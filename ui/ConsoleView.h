#pragma once

#include <QPlainTextEdit>
#include <vector>

namespace pipescope {

class CurrentRun;
class TraceStore;

// The children's output as the tutorial prints it, each line with its time and process; the
// runner's own reports (crashes, deadlocks) among them. New lines are appended as they arrive.
class ConsoleView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ConsoleView(QWidget* parent = nullptr);

    // Follows the run on show: its lines from the start when it changes, new ones as they come.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    void refresh();

private:
    const TraceStore* m_store = nullptr;
    std::vector<size_t> m_cursors; // the runner's, then one per process
};

} // namespace pipescope
