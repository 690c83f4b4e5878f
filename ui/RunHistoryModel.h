#pragma once

#include "Run.h"

#include <QAbstractListModel>
#include <memory>
#include <vector>

namespace pipescope {

// The runs of this session, newest first (row 0), owning them: a run's line is its history text
// (which gains its outcome when it ends) and its tooltip says what it ran or which file it read.
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
    // The number the next run's title carries: runs are numbered in the order they were added.
    int nextNumber() const { return m_added + 1; }
    // Asks every live run to end.
    void stopAll();
    // Whether a run is going on.
    bool anyLive() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // `run` has ended (its row shows the outcome already).
    void runFinished(pipescope::Run* run);

private:
    std::vector<std::unique_ptr<Run>> m_runs; // oldest first: row r is m_runs[size - 1 - r]
    int m_added = 0;
};

} // namespace pipescope
