#include "findings/FindingsJson.h"

#include "trace/TraceStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pipescope {

QByteArray findingsJson(const TraceStore& store, const std::vector<Finding>& findings)
{
    QJsonArray array;
    for (const Finding& finding : findings) {
        QJsonArray events;
        for (const qint32 e : finding.events) {
            QJsonObject event;
            event.insert(QStringLiteral("t_ns"), store.time(e));
            event.insert(QStringLiteral("process"), store.processName(store.processOf(e)));
            event.insert(QStringLiteral("kind"), eventKindName(store.kind(e)));
            if (store.messageOf(e) >= 0) {
                event.insert(QStringLiteral("channel"), store.channel(store.channelOf(e)).name);
                event.insert(QStringLiteral("seq"), store.seq(e));
            }
            events.append(event);
        }
        QJsonObject object;
        object.insert(QStringLiteral("severity"), severityName(finding.severity));
        object.insert(QStringLiteral("kind"), finding.kind);
        object.insert(QStringLiteral("title"), finding.title);
        object.insert(QStringLiteral("explanation"), finding.explanation);
        object.insert(QStringLiteral("processes"), QJsonArray::fromStringList(finding.processes));
        object.insert(QStringLiteral("channels"), QJsonArray::fromStringList(finding.channels));
        object.insert(QStringLiteral("events"), events);
        array.append(object);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

QString findingLine(const Finding& finding)
{
    return QStringLiteral("%1: %2: %3")
        .arg(severityName(finding.severity), finding.kind, finding.title);
}

} // namespace pipescope
