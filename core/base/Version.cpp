#include "base/Version.h"

namespace pipescope {

QString version()
{
    return QStringLiteral(PIPESCOPE_VERSION);
}

QString homepage()
{
    return QStringLiteral(PIPESCOPE_HOMEPAGE);
}

} // namespace pipescope
