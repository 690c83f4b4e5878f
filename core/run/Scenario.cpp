#include "run/Scenario.h"

#include "wire/PyRepr.h"

#include <cmath>

namespace pipescope {

QString ScenarioParameter::format(double value, bool integer)
{
    return integer ? QString::number(static_cast<qint64>(value)) : reprFloat(value);
}

QList<ChannelPlan> ScenarioPlan::channels() const
{
    QList<ChannelPlan> result;
    for (int i = 0; i < pipes.size(); ++i) {
        const PipePlan& pipe = pipes[i];
        const QString& first = processes[pipe.firstProcess].name;
        const QString& second = processes[pipe.secondProcess].name;
        if (pipe.duplex) {
            result.append(
                {first + QStringLiteral("->") + second, pipe.firstProcess, pipe.secondProcess, i});
            result.append(
                {second + QStringLiteral("->") + first, pipe.secondProcess, pipe.firstProcess, i});
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
            return Error(
                ErrorKind::InvalidArgument,
                QStringLiteral("%1=%2 is not allowed: %1 is %3 from %4 to %5")
                    .arg(parameter->name, reprFloat(value),
                         parameter->integer ? QStringLiteral("an integer")
                                            : QStringLiteral("a number"),
                         ScenarioParameter::format(parameter->minimum, parameter->integer),
                         ScenarioParameter::format(parameter->maximum, parameter->integer)));
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
