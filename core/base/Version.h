#pragma once

#include <QString>

namespace pipescope {

// PipeScope's version, from the CMake project (project(PipeScope VERSION ...)): "0.1.0".
QString version();
// Its home page, from the same place.
QString homepage();

} // namespace pipescope
