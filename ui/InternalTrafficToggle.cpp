#include "InternalTrafficToggle.h"

#include "CurrentRun.h"
#include "RunHistoryModel.h"
#include "TimeAxis.h"
#include "trace/TraceStore.h"

#include <QAction>
#include <QSettings>

namespace pipescope {

InternalTrafficToggle::InternalTrafficToggle(RunHistoryModel& history, CurrentRun& current,
                                             TimeAxis& axis, QAction& action)
    : QObject(&history)
    , m_history(history)
    , m_current(current)
    , m_axis(axis)
    , m_action(action)
{
    m_action.setChecked(QSettings().value(QLatin1String(kSettingsKey), false).toBool());
    connect(&m_action, &QAction::toggled, this, &InternalTrafficToggle::apply);
    // A new run is added at the top, before it is shown.
    connect(&m_history, &QAbstractItemModel::rowsInserted, this, [this] {
        if (Run* run = m_history.run(0))
            run->setInternalShown(m_action.isChecked());
    });
}

void InternalTrafficToggle::apply(bool shown)
{
    QSettings().setValue(QLatin1String(kSettingsKey), shown);
    for (int row = 0; row < m_history.runCount(); ++row) {
        if (Run* run = m_history.run(row))
            run->setInternalShown(shown);
    }
    // The views take the run in anew (rows come and go); the zoom stays.
    const qint64 start = m_axis.start();
    const qint64 end = m_axis.end();
    const bool follow = m_axis.followLive();
    const TimeRange selectedRange = m_axis.selectedRange();
    const int selected = m_axis.selectedMessage();
    m_current.setRun(m_current.run());
    m_axis.setFollowLive(follow);
    if (!follow)
        m_axis.setRange(start, end);
    m_axis.setSelectedRange(selectedRange);
    const TraceStore* store = m_current.store();
    if (store && selected >= 0 && store->channelShown(store->messages()[size_t(selected)].channel))
        m_axis.setSelectedMessage(selected);
}

} // namespace pipescope
