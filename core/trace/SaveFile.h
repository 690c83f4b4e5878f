#pragma once

#include "base/Result.h"

#include <functional>

class QIODevice;

namespace pipescope {

// Writes a file all at once (QSaveFile): `write` fills it, and the file appears only complete.
Status saveFile(const QString& path, const std::function<Status(QIODevice&)>& write);

} // namespace pipescope
