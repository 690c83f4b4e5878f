#include "pytrace/PythonDescendants.h"

#include "base/MonotonicClock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace pipescope {

namespace {

constexpr int kMaxDepth = 64; // a tree deeper than this is not a program's
constexpr qint64 kMaxFileBytes = 1024 * 1024;

QByteArray readProcFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(kMaxFileBytes);
}

QStringList commandLine(qint64 pid)
{
    const QByteArray text = readProcFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
    QStringList argv;
    for (const QByteArray& arg : text.split('\0'))
        argv.append(QFile::decodeName(arg));
    if (!argv.isEmpty() && argv.back().isEmpty())
        argv.removeLast();
    return argv;
}

} // namespace

bool PythonDescendants::isPython(const QString& executable)
{
    static const QRegularExpression name(QStringLiteral("^python[0-9.]*$"));
    return name.match(QFileInfo(executable).fileName()).hasMatch();
}

void PythonDescendants::scan(qint64 root)
{
    if (root <= 0)
        return;
    ++m_scans;
    visit(root, {}, 0, monotonicNs());
    // What is gone and was no Python is forgotten: a long run of short shell commands does not
    // pile up.
    m_seen.removeIf([this](const QHash<qint64, Seen>::iterator it) {
        return !it->python && it->scan != m_scans;
    });
}

void PythonDescendants::visit(qint64 pid, const QStringList& parentArgv, int depth, qint64 now)
{
    const QStringList argv = commandLine(pid);
    if (argv.isEmpty())
        return; // gone, or a zombie
    Seen& seen = m_seen[pid];
    // A process is the Python it runs once it has exec'd it: a fork that has not exec'd yet has
    // its parent's command line (and says hello itself when its parent is traced), and a
    // process that exec'd something else since is no longer a Python.
    const QString executable = QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(pid));
    seen.python = argv != parentArgv && isPython(executable.isEmpty() ? argv.front() : executable);
    if (seen.argv != argv) {
        seen.argv = argv;
        seen.firstNs = now;
        // Read once per program it runs; unreadable (another user's) counts as not lost.
        if (seen.python) {
            const QByteArray environment =
                readProcFile(QStringLiteral("/proc/%1/environ").arg(pid));
            static constexpr char kVariable[] = "\0PIPESCOPE_TRACE_DIR=";
            const QByteArrayView variable(kVariable, sizeof kVariable - 1); // the NUL included
            // A cut read (an environment over the bound) proves nothing.
            seen.lostTraceEnvironment =
                !environment.isEmpty() && environment.size() < kMaxFileBytes &&
                !environment.startsWith(variable.sliced(1)) && !environment.contains(variable);
        }
    }
    seen.lastNs = now;
    seen.scan = m_scans;
    if (depth >= kMaxDepth)
        return;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QByteArray children =
            readProcFile(tasks.filePath(task) + QStringLiteral("/children"));
        for (const QByteArray& child : children.split(' ')) {
            bool ok = false;
            const qint64 childPid = child.trimmed().toLongLong(&ok);
            if (ok && childPid > 0)
                visit(childPid, argv, depth + 1, now);
        }
    }
}

QList<PythonDescendants::Python>
PythonDescendants::untraced(const std::function<bool(qint64)>& traced) const
{
    QList<Python> found;
    for (auto it = m_seen.cbegin(); it != m_seen.cend(); ++it) {
        if (it->python && !traced(it.key()))
            found.append({it.key(), it->argv, it->lastNs - it->firstNs, it->lostTraceEnvironment});
    }
    std::sort(found.begin(), found.end(),
              [](const Python& a, const Python& b) { return a.pid < b.pid; });
    return found;
}

} // namespace pipescope
