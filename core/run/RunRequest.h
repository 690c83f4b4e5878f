#pragma once

#include "run/Scenario.h"

#include <optional>

namespace pipescope {

// What a person asks to run: a scenario by name, with optional seed, time scale and parameters.
struct RunRequest
{
    QString scenario;
    std::optional<quint64> seed;
    std::optional<double> timeScale;
    ParameterValues parameters;
};

// A request checked and completed (ScenarioCatalog::resolve()): the scenario, the seed (drawn
// fresh when none was given), the time scale, every parameter's value and the plan they give.
struct RunSettings
{
    const Scenario* scenario = nullptr;
    quint64 seed = 0;
    bool seedDrawn = false;
    double timeScale = 1.0;
    ParameterValues values;
    ScenarioPlan plan;
};

} // namespace pipescope
