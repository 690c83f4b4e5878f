#include "trace/SaveFile.h"

#include <QSaveFile>

namespace pipescope {

Status saveFile(const QString& path, const std::function<Status(QIODevice&)>& write)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::System,
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (Status written = write(file); !written)
        return written;
    if (!file.commit())
        return Error(ErrorKind::System,
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace pipescope
