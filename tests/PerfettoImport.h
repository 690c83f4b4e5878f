#pragma once
// How Perfetto's JSON importer reads a Chrome trace, as far as arrows are concerned: it takes the
// events in time order (ties in file order), opens each complete ("X") slice on its thread's
// track, and binds a flow v2 end (flow_in) only to a flow whose start (flow_out) it has already
// seen: an end that comes first is dropped. Tests run a written trace through this to count the
// arrows that would survive the import.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <algorithm>
#include <set>
#include <vector>

namespace perfetto_import {

struct Arrows
{
    int bound = 0;   // flows whose end found their start
    int dropped = 0; // ends that came before their start (or had none)
    int starts = 0;  // flow_out slices
};

inline Arrows importArrows(const QJsonArray& traceEvents)
{
    std::vector<QJsonObject> slices;
    for (const QJsonValue& value : traceEvents) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("ph")).toString() == QLatin1String("X"))
            slices.push_back(event);
    }
    std::stable_sort(slices.begin(), slices.end(), [](const QJsonObject& a, const QJsonObject& b) {
        return a.value(QStringLiteral("ts")).toDouble() < b.value(QStringLiteral("ts")).toDouble();
    });
    Arrows arrows;
    std::set<qint64> open;
    for (const QJsonObject& slice : slices) {
        if (!slice.contains(QStringLiteral("bind_id")))
            continue;
        const qint64 id = slice.value(QStringLiteral("bind_id")).toInteger();
        if (slice.value(QStringLiteral("flow_out")).toBool()) {
            open.insert(id);
            ++arrows.starts;
        }
        if (slice.value(QStringLiteral("flow_in")).toBool()) {
            if (open.erase(id) == 1)
                ++arrows.bound;
            else
                ++arrows.dropped;
        }
    }
    return arrows;
}

} // namespace perfetto_import
