#pragma once

#include "Run.h"

#include <QAbstractListModel>
#include <memory>
#include <vector>

namespace pipescope {

// The runs of this session, newest first (row 0), owning them: a run's line is its history text
// (which gains its outcome when it ends) and its tooltip says what it ran or which file it read.
//
// Runs are cheap to drop: remove() frees a run's store and gives the memory back to the system.
// With a memory limit, the oldest finished runs are dropped whenever the process's resident
// memory is over it once a run has ended (never a live run, nor the one on show); a last row,
// not a run, then says how many went and why.
class RunHistoryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit RunHistoryModel(QObject* parent = nullptr);
    ~RunHistoryModel() override;

    // Takes `run` in at the top; returns it.
    Run* add(std::unique_ptr<Run> run);
    // The run on `row`, or null.
    Run* run(int row) const;
    // The row of `run`, or -1.
    int rowOf(const Run* run) const;
    // The runs held (rows but the note of dropped runs).
    int runCount() const { return int(m_runs.size()); }
    // The number the next run's title carries: runs are numbered in the order they were added.
    int nextNumber() const { return m_added + 1; }
    // Asks every live run to end.
    void stopAll();
    // Whether a run is going on.
    bool anyLive() const;
    // Drops `run` from the history and frees it (aboutToRemove() first); a live run is not
    // dropped (false).
    bool remove(Run* run);
    // The resident memory (bytes) above which the oldest runs are dropped; 0: no limit.
    void setMemoryLimit(qint64 bytes);
    qint64 memoryLimit() const { return m_memoryLimit; }
    // Drops the oldest finished runs but `keep` while the process is over the limit.
    void enforceMemoryLimit(const Run* keep);
    // How many runs the limit dropped so far.
    int droppedCount() const { return m_dropped; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

Q_SIGNALS:
    // `run` has ended (its row shows the outcome already).
    void runFinished(pipescope::Run* run);
    // `run` is about to be dropped: whoever shows it lets go of it now.
    void aboutToRemove(pipescope::Run* run);

private:
    std::vector<std::unique_ptr<Run>> m_runs; // oldest first: row r is m_runs[size - 1 - r]
    int m_added = 0;
    qint64 m_memoryLimit = 0;
    int m_dropped = 0;
};

} // namespace pipescope
