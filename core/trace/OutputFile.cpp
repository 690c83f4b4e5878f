#include "trace/OutputFile.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pipescope {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// The descriptor a path names: "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N, or a symbolic link
// that leads to one of those. Such a path must not be opened anew (that would start at offset 0
// of a file, or be replaced by QSaveFile): it is written through the descriptor itself.
std::optional<int> namedDescriptor(const QString& path)
{
    if (path == QLatin1String("-"))
        return 1;
    static const QRegularExpression fdPath(
        QStringLiteral("^/(?:dev/fd|proc/self/fd|proc/thread-self/fd|proc/%1/fd)/(\\d+)$")
            .arg(::getpid()));
    QString current = QFileInfo(path).absoluteFilePath();
    for (int depth = 0; depth < 16; ++depth) {
        if (current == QLatin1String("/dev/stdin"))
            return 0;
        if (current == QLatin1String("/dev/stdout"))
            return 1;
        if (current == QLatin1String("/dev/stderr"))
            return 2;
        const QRegularExpressionMatch match = fdPath.match(current);
        if (match.hasMatch())
            return match.captured(1).toInt();
        const QFileInfo info(current);
        if (!info.isSymLink())
            return std::nullopt;
        // One step along the link; a relative target is relative to the link's folder.
        const QByteArray link = QFile::encodeName(current);
        char target[4096];
        const ssize_t length = ::readlink(link.constData(), target, sizeof target - 1);
        if (length <= 0)
            return std::nullopt;
        const QString next = QFile::decodeName(QByteArray(target, length));
        current = QFileInfo(next).isAbsolute()
                      ? QFileInfo(next).absoluteFilePath()
                      : QFileInfo(info.absolutePath() + QLatin1Char('/') + next).absoluteFilePath();
    }
    return std::nullopt;
}

} // namespace

OutputFile::OutputFile(QString path)
    : m_path(std::move(path))
{}

OutputFile::~OutputFile() = default; // an uncommitted QSaveFile removes its temporary

Error OutputFile::failure(const QString& reason) const
{
    return Error(ErrorKind::System, QStringLiteral("cannot write %1: %2").arg(m_path, reason));
}

Result<std::unique_ptr<OutputFile>> OutputFile::open(const QString& path)
{
    std::unique_ptr<OutputFile> output(new OutputFile(path));
    if (path.isEmpty())
        return output->failure(QStringLiteral("no file name"));
    const QByteArray native = QFile::encodeName(path);
    if (const std::optional<int> descriptor = namedDescriptor(path)) {
        output->m_descriptor = *descriptor;
        const int flags = ::fcntl(*descriptor, F_GETFL);
        if (flags < 0)
            return output->failure(errnoText(errno));
        if ((flags & O_ACCMODE) == O_RDONLY)
            return output->failure(QStringLiteral("the descriptor is open for reading only"));
        auto file = std::make_unique<QFile>();
        if (!file->open(*descriptor, QIODevice::WriteOnly | QIODevice::Unbuffered,
                        QFileDevice::DontCloseHandle))
            return output->failure(file->errorString());
        output->m_device = std::move(file);
        return output;
    }
    struct stat status = {};
    const bool exists = ::stat(native.constData(), &status) == 0;
    if (!exists && errno != ENOENT)
        return output->failure(errnoText(errno));
    if (!exists || S_ISREG(status.st_mode)) {
        // A missing directory shows up here as "no such file", not as QSaveFile's temporary.
        const QFileInfo info(path);
        if (!QFileInfo(info.absolutePath()).isDir())
            return output->failure(errnoText(ENOENT));
        auto file = std::make_unique<QSaveFile>(path);
        if (!file->open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            return output->failure(file->errorString());
        output->m_atomic = true;
        output->m_device = std::move(file);
        return output;
    }
    // A device, a FIFO, a directory (which fails here, as it should): in place, as `>` would.
    // No O_TRUNC: it means nothing to a device or a FIFO.
    const int fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return output->failure(errnoText(errno));
    auto file = std::make_unique<QFile>();
    if (!file->open(fd, QIODevice::WriteOnly | QIODevice::Unbuffered,
                    QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return output->failure(file->errorString());
    }
    output->m_device = std::move(file);
    return output;
}

Status OutputFile::fill(const std::function<Status(QIODevice&)>& write)
{
    if (!m_device)
        return failure(QStringLiteral("already written"));
    if (m_descriptor == 1)
        std::fflush(stdout); // what was printed before comes first
    else if (m_descriptor == 2)
        std::fflush(stderr);
    Status written = write(*m_device);
    if (!written) {
        // The device's own reason (errno) when it has one: "Unknown error" says nothing.
        const QString reason = m_device->error() != QFileDevice::NoError
                                   ? m_device->errorString()
                                   : written.error().message();
        m_device.reset();
        return failure(reason);
    }
    bool done = true;
    if (m_atomic)
        done = static_cast<QSaveFile&>(*m_device).commit();
    else
        done = m_device->flush();
    if (!done) {
        const QString reason = m_device->errorString();
        m_device.reset();
        return failure(reason);
    }
    m_device.reset();
    return {};
}

Status OutputFile::save(const QString& path, const std::function<Status(QIODevice&)>& write)
{
    auto output = open(path);
    if (!output)
        return output.error();
    return (*output)->fill(write);
}

} // namespace pipescope
