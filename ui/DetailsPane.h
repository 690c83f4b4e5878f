#pragma once

#include <QTextBrowser>

namespace pipescope {

class TraceStore;

// The selected message: its decoded value, its frame in hex with the 4-byte length header marked,
// and its timings.
class DetailsPane : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);

    void setStore(const TraceStore* store);
    // Shows message `message` of the store (-1: none).
    void showMessage(int message);
    int message() const { return m_message; }

private:
    const TraceStore* m_store = nullptr;
    int m_message = -1;
};

} // namespace pipescope
