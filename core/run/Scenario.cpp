#include "run/Scenario.h"

#include "wire/PyRepr.h"

#include <QRegularExpression>
#include <cmath>

namespace pipescope {

QString ScenarioParameter::format(double value, bool integer)
{
    return integer ? QString::number(static_cast<qint64>(value)) : reprFloat(value);
}

QString ScenarioParameter::allowed() const
{
    return QStringLiteral("%1 from %2 to %3")
        .arg(integer ? QStringLiteral("an integer") : QStringLiteral("a number"),
             format(minimum, integer), format(maximum, integer));
}

Result<double> ScenarioParameter::parse(const QString& text) const
{
    static const QRegularExpression plainInteger(QStringLiteral("^-?[0-9]+$"));
    static const QRegularExpression decimal(
        QStringLiteral("^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$"));
    const QString given = name + QLatin1Char('=') + text;
    if (!decimal.match(text).hasMatch())
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("--param takes NAME=VALUE with a number, not '%1'").arg(given));
    if (integer && !plainInteger.match(text).hasMatch())
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("%1 is not allowed: %2 is %3").arg(given, name, allowed()));
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("%1 is out of range: %2 is %3").arg(given, name, allowed()));
    if (value < minimum || value > maximum)
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("%1 is not allowed: %2 is %3").arg(given, name, allowed()));
    return value;
}

QList<ChannelPlan> ScenarioPlan::channels() const
{
    QList<ChannelPlan> result;
    for (int i = 0; i < pipes.size(); ++i) {
        const PipePlan& pipe = pipes[i];
        const QString& first = processes[pipe.firstProcess].name;
        const QString& second = processes[pipe.secondProcess].name;
        if (pipe.kind == PipeKind::Sentinel)
            continue;
        if (pipe.kind == PipeKind::Duplex) {
            result.append(
                {first + QStringLiteral("->") + second, pipe.firstProcess, pipe.secondProcess, i});
            result.append(
                {second + QStringLiteral("->") + first, pipe.secondProcess, pipe.firstProcess, i});
        } else if (!pipe.firstSharers.isEmpty()) {
            // Named as a traced program's pipe is, so that a reopened run keeps it shared.
            QStringList readers = {first};
            for (const int sharer : pipe.firstSharers)
                readers.append(processes[sharer].name);
            result.append(
                {QStringLiteral("Pipe#%1 %2->%3").arg(i + 1).arg(second, readers.join(u',')),
                 pipe.secondProcess, pipe.firstProcess, i, true});
        } else {
            result.append(
                {second + QStringLiteral("->") + first, pipe.secondProcess, pipe.firstProcess, i});
        }
    }
    return result;
}

Result<ParameterValues> Scenario::resolve(const ParameterValues& given) const
{
    ParameterValues values;
    for (const ScenarioParameter& parameter : parameters)
        values.insert(parameter.name, parameter.defaultValue);
    for (auto it = given.begin(); it != given.end(); ++it) {
        const ScenarioParameter* parameter = nullptr;
        for (const ScenarioParameter& candidate : parameters) {
            if (candidate.name == it.key())
                parameter = &candidate;
        }
        if (!parameter) {
            QStringList names;
            for (const ScenarioParameter& candidate : parameters)
                names.append(candidate.name);
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("scenario '%1' has no parameter '%2'; it has: %3")
                             .arg(name, it.key(),
                                  names.isEmpty() ? QStringLiteral("none") : names.join(u", ")));
        }
        const double value = it.value();
        const bool wrongType = parameter->integer && value != std::floor(value);
        if (std::isnan(value) || wrongType || value < parameter->minimum ||
            value > parameter->maximum) {
            // An integer parameter's value is echoed as one when it is one (count=0, not 0.0).
            const bool whole = std::isfinite(value) && value == std::floor(value) &&
                               std::abs(value) < 9.007199254740992e15;
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1=%2 is not allowed: %1 is %3")
                             .arg(parameter->name,
                                  ScenarioParameter::format(value, parameter->integer && whole),
                                  parameter->allowed()));
        }
        values.insert(parameter->name, value);
    }
    return values;
}

QString Scenario::describeParameters() const
{
    QString text;
    for (const ScenarioParameter& p : parameters) {
        text += QStringLiteral("    %1 (%2, %3..%4, default %5): %6\n")
                    .arg(p.name, p.integer ? QStringLiteral("int") : QStringLiteral("float"),
                         ScenarioParameter::format(p.minimum, p.integer),
                         ScenarioParameter::format(p.maximum, p.integer),
                         ScenarioParameter::format(p.defaultValue, p.integer), p.description);
    }
    return text;
}

} // namespace pipescope
