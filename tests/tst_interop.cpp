// Interoperability with a real CPython (python3): a CPython Listener talking to pipescope-worker
// echo and echo-objects, and PipeScope's Listener talking to a CPython Client, with and without an
// authkey. Skipped when python3 is missing, unless PIPESCOPE_REQUIRE_PYTHON=1 (as CI sets it), in
// which case a missing python3 fails.
#include "WorkerProcess.h"
#include "pipe/Listener.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <future>

using namespace pipescope;
using namespace pipescope::testing;

namespace {

const QString kPeerScript = QStringLiteral(PIPESCOPE_INTEROP_DIR "/cpython_peer.py");

QString keyArgument(const QByteArray& key)
{
    return key.isNull() ? QStringLiteral("-") : QString::fromLatin1(key.toHex());
}

} // namespace

class TestInterop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cpythonListenerWithWorker_data();
    void cpythonListenerWithWorker();
    void pipescopeListenerWithCpythonClient_data();
    void pipescopeListenerWithCpythonClient();

private:
    std::unique_ptr<QProcess> startPython(const QStringList& arguments);

    QString m_python;
    QTemporaryDir m_directory;
};

void TestInterop::initTestCase()
{
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (m_python.isEmpty()) {
        if (qEnvironmentVariableIntValue("PIPESCOPE_REQUIRE_PYTHON") == 1)
            QFAIL("python3 is missing, and PIPESCOPE_REQUIRE_PYTHON=1 requires it");
        QSKIP("python3 is missing: the CPython interoperability tests cannot run");
    }
    QVERIFY(m_directory.isValid());
}

std::unique_ptr<QProcess> TestInterop::startPython(const QStringList& arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(m_python, QStringList{kPeerScript} + arguments);
    if (!process->waitForStarted(30000))
        qFatal("cannot start python3");
    return process;
}

void TestInterop::cpythonListenerWithWorker_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("pythonKey");
    QTest::addColumn<QByteArray>("workerKey");
    QTest::addColumn<QByteArray>("pythonSays");
    QTest::addColumn<int>("workerExit");
    QTest::addColumn<QByteArray>("workerSays");
    for (const char* role : {"echo-objects", "echo"}) {
        const QByteArray ok = role == QByteArray("echo") ? "ok 5" : "ok 20";
        QTest::addRow("%s, no key", role)
            << role << QByteArray() << QByteArray() << ok << 0 << QByteArray();
        QTest::addRow("%s, same key", role)
            << role << QByteArray("s3cret") << QByteArray("s3cret") << ok << 0 << QByteArray();
        QTest::addRow("%s, wrong key", role)
            << role << QByteArray("s3cret") << QByteArray("guess")
            << QByteArray("error: AuthenticationError: digest received was wrong") << 1
            << QByteArray("AuthenticationError: digest sent was rejected");
    }
}

void TestInterop::cpythonListenerWithWorker()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, pythonKey);
    QFETCH(QByteArray, workerKey);
    QFETCH(QByteArray, pythonSays);
    QFETCH(int, workerExit);
    QFETCH(QByteArray, workerSays);
    const QString address = m_directory.filePath(QStringLiteral("cpython-%1.sock")
                                                     .arg(QTest::currentDataTag())
                                                     .replace(QLatin1Char(' '), QLatin1Char('-')));
    auto python = startPython(
        {QStringLiteral("listen"), address, keyArgument(pythonKey),
         role == QLatin1String("echo") ? QStringLiteral("bytes") : QStringLiteral("objects")});
    QVERIFY(python->waitForReadyRead(30000));
    QCOMPARE(python->readLine().trimmed(), QByteArray("ready"));
    QStringList arguments{role, QStringLiteral("--connect"), address};
    if (!workerKey.isNull()) {
        const QString keyFile = m_directory.filePath(QStringLiteral("key"));
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(workerKey);
        file.close();
        arguments << QStringLiteral("--authkey-file") << keyFile;
    }
    auto worker = startWorker(arguments);
    QVERIFY(finishes(*worker));
    QVERIFY(finishes(*python));
    const QByteArray workerError = worker->readAllStandardError();
    QCOMPARE(python->readAll().trimmed(), pythonSays);
    QCOMPARE(worker->exitCode(), workerExit);
    QVERIFY2(workerError.contains(workerSays), workerError.constData());
    QCOMPARE(python->exitCode(), workerExit == 0 ? 0 : 1);
}

void TestInterop::pipescopeListenerWithCpythonClient_data()
{
    QTest::addColumn<QByteArray>("ourKey");
    QTest::addColumn<QByteArray>("pythonKey");
    QTest::addColumn<QString>("ourError");
    QTest::addColumn<QByteArray>("pythonSays");
    QTest::newRow("no key") << QByteArray() << QByteArray() << QString() << QByteArray("ok 20");
    QTest::newRow("same key") << QByteArray("k") << QByteArray("k") << QString()
                              << QByteArray("ok 20");
    QTest::newRow("wrong key") << QByteArray("k") << QByteArray("x")
                               << "AuthenticationError: digest received was wrong"
                               << QByteArray(
                                      "error: AuthenticationError: digest sent was rejected");
    // A client without a key sends its first object where the answer should be: refused, no hang.
    QTest::newRow("only ours has a key")
        << QByteArray("k") << QByteArray() << "AuthenticationError" << QByteArray("error: ");
}

void TestInterop::pipescopeListenerWithCpythonClient()
{
    QFETCH(QByteArray, ourKey);
    QFETCH(QByteArray, pythonKey);
    QFETCH(QString, ourError);
    QFETCH(QByteArray, pythonSays);
    auto listener =
        Listener::listen(QString(), ourKey.isNull() ? std::nullopt : std::optional(ourKey));
    QVERIFY(listener.ok());
    listener->setHandshakeTimeout(20);
    auto python =
        startPython({QStringLiteral("client"), listener->address(), keyArgument(pythonKey)});
    auto accepted = listener->accept();
    if (ourError.isEmpty()) {
        QVERIFY2(accepted.ok(), qPrintable(accepted ? QString() : accepted.error().toString()));
        // Echo every object until the client closes.
        for (;;) {
            auto value = accepted->recv();
            if (!value) {
                QCOMPARE(value.error().kind(), ErrorKind::Eof);
                break;
            }
            QVERIFY(accepted->send(*value).ok());
        }
    } else {
        QVERIFY(!accepted.ok());
        QVERIFY2(accepted.error().toString().startsWith(ourError),
                 qPrintable(accepted.error().toString()));
    }
    QVERIFY(finishes(*python));
    const QByteArray said = python->readAll().trimmed();
    QVERIFY2(said.startsWith(pythonSays), said.constData());
}

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
