#include "run/PipeWiring.h"

#include "run/DescriptorHandover.h"

namespace pipescope {

QString EndWiring::argument() const
{
    const auto channel = [](int c) { return c < 0 ? QStringLiteral("-") : QString::number(c); };
    return QStringLiteral("%1:%2:%3").arg(childDescriptor).arg(channel(writes), channel(reads));
}

QList<EndWiring> wirePipes(const ScenarioPlan& plan)
{
    const QList<ChannelPlan> channels = plan.channels();
    QList<int> handed(plan.processes.size(), 0); // ends each child got so far
    QList<EndWiring> ends;
    for (int pipe = 0; pipe < plan.pipes.size(); ++pipe) {
        const PipePlan& pipePlan = plan.pipes[pipe];
        // Per end: its user, the processes sharing it (users too), then forgotten copies.
        const QList<int> holders[2] = {QList<int>{pipePlan.firstProcess} + pipePlan.firstSharers +
                                           pipePlan.firstCopies,
                                       QList<int>{pipePlan.secondProcess} + pipePlan.secondCopies};
        const qsizetype users[2] = {1 + pipePlan.firstSharers.size(), 1};
        for (int side = 0; side < 2; ++side) {
            const int user = holders[side][0];
            for (qsizetype h = 0; h < holders[side].size(); ++h) {
                EndWiring end;
                end.pipe = pipe;
                end.side = side;
                end.process = holders[side][h];
                // The end's users trace its channels; a forgotten copy has none.
                for (int c = 0; h < users[side] && c < channels.size(); ++c) {
                    if (channels[c].pipe != pipe)
                        continue;
                    if (channels[c].from == user)
                        end.writes = c;
                    if (channels[c].to == user)
                        end.reads = c;
                }
                end.childDescriptor = DescriptorHandover::childDescriptor(kTelemetryDescriptors +
                                                                          handed[end.process]++);
                ends.append(end);
            }
        }
    }
    return ends;
}

} // namespace pipescope
