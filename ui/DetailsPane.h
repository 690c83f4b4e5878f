#pragma once

#include <QTextBrowser>

namespace pipescope {

class CurrentRun;
class TraceStore;

// The selected message: its decoded value, its frame as a hex dump (offsets, hex, ASCII) with the
// length header marked, its pickle opcode by opcode (pickletools.dis()'s listing; a click on an
// opcode marks its bytes in the hex), and its timings.
class DetailsPane : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);

    // Follows the run on show: nothing selected when it changes, the selected message
    // redrawn as it is received.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    // Shows message `message` of the store (-1: none).
    void showMessage(int message);
    int message() const { return m_message; }

private:
    const TraceStore* m_store = nullptr;
    int m_message = -1;
    int m_selectedOp = -1; // the opcode whose bytes are marked
};

} // namespace pipescope
