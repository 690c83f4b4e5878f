#include "findings/Finding.h"

namespace pipescope {

QLatin1String severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return QLatin1String("info");
    case Severity::Warning:
        return QLatin1String("warning");
    case Severity::Error:
        return QLatin1String("error");
    }
    return QLatin1String("info");
}

} // namespace pipescope
