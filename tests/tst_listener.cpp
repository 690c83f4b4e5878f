// Listener and connectClient over AF_UNIX paths and abstract names, with and without the HMAC
// handshake: known-answer digests for both handshake generations, refusals on both sides, and no
// hang when only one side has a key.
#include "pipe/Authentication.h"
#include "pipe/Listener.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <future>
#include <sys/stat.h>

using namespace pipescope;

namespace {

QString abstractName()
{
    return QStringLiteral("@pipescope-test-%1")
        .arg(QRandomGenerator::system()->generate64(), 0, 16);
}

} // namespace

class TestListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void knownAnswers();
    void verifiesBothGenerations();
    void exchangesOverAddress_data();
    void exchangesOverAddress();
    void privateAddressIsInA0700DirectoryRemovedOnClose();
    void secondListenerOnTheSameAddressFails();
    void clientDoesNotRetry();
    void handshake_data();
    void handshake();
};

void TestListener::knownAnswers()
{
    // Made with python3: hmac.new(b'secret', challenge, digest).hexdigest()
    QByteArray modern = QByteArrayLiteral("{sha256}");
    for (char i = 0; i < 40; ++i)
        modern.append(i);
    QByteArray legacy;
    for (char i = 0; i < 20; ++i)
        legacy.append(i);
    const auto modernAnswer = Authentication::createResponse("secret", modern);
    QVERIFY(modernAnswer.ok());
    QCOMPARE(*modernAnswer,
             "{sha256}" + QByteArray::fromHex(
                              "fc57fbe650d6124b98215e7b5d197d5807ad69982d275a9735ea2d56f1fa6989"));
    const auto legacyAnswer = Authentication::createResponse("secret", legacy);
    QVERIFY(legacyAnswer.ok());
    QCOMPARE(*legacyAnswer, QByteArray::fromHex("7defa9cc46abc3583325d17ccda75190"));
    // A 3.11 peer answers a 3.12 challenge with a raw HMAC-MD5 over all of it.
    QVERIFY(Authentication::verifyResponse("secret", modern,
                                           QByteArray::fromHex("8e48d2bb349b4b72b9382999ed5b62eb"))
                .ok());
}

void TestListener::verifiesBothGenerations()
{
    const QByteArray challenge = QByteArrayLiteral("{sha256}") + QByteArray(40, 'c');
    const auto answer = Authentication::createResponse("key", challenge);
    QVERIFY(answer.ok());
    QVERIFY(Authentication::verifyResponse("key", challenge, *answer).ok());
    const auto wrong = Authentication::verifyResponse("other", challenge, *answer);
    QCOMPARE(wrong.error().toString(),
             QStringLiteral("AuthenticationError: digest received was wrong"));
    const auto unknown = Authentication::createResponse("key", "{whirlpool}" + QByteArray(40, 'c'));
    QCOMPARE(unknown.error().kind(), ErrorKind::Authentication);
    const auto truncated = Authentication::verifyResponse("key", challenge, answer->left(20));
    QCOMPARE(truncated.error().kind(), ErrorKind::Authentication);
}

void TestListener::exchangesOverAddress_data()
{
    QTest::addColumn<bool>("abstract");
    QTest::newRow("filesystem path") << false;
    QTest::newRow("abstract name") << true;
}

void TestListener::exchangesOverAddress()
{
    QFETCH(bool, abstract);
    QTemporaryDir directory;
    const QString address = abstract ? abstractName() : directory.filePath(QStringLiteral("s"));
    auto listener = Listener::listen(address);
    QVERIFY2(listener.ok(), qPrintable(listener.ok() ? QString() : listener.error().toString()));
    QCOMPARE(QFileInfo::exists(address), !abstract);
    auto client = std::async(std::launch::async, [&] {
        auto connection = connectClient(address);
        if (!connection)
            return QByteArray("connect failed");
        if (!connection->sendBytes(QByteArray("ping")))
            return QByteArray("send failed");
        auto reply = connection->recvBytes();
        return reply ? *reply : QByteArray("recv failed");
    });
    auto accepted = listener->accept();
    QVERIFY(accepted.ok());
    QCOMPARE(*accepted->recvBytes(), QByteArray("ping"));
    QVERIFY(accepted->sendBytes(QByteArray("pong")).ok());
    QCOMPARE(client.get(), QByteArray("pong"));
    listener->close();
    QVERIFY(!QFileInfo::exists(address));
}

void TestListener::privateAddressIsInA0700DirectoryRemovedOnClose()
{
    auto listener = Listener::listen(QString());
    QVERIFY(listener.ok());
    const QFileInfo socket(listener->address());
    QVERIFY(socket.exists());
    struct stat info
    {};
    QCOMPARE(::stat(QFile::encodeName(socket.absolutePath()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0700));
    QVERIFY(socket.fileName().size() > 20); // an unguessable name
    auto other = Listener::listen(QString());
    QVERIFY(other.ok());
    QVERIFY(other->address() != listener->address());
    const QString directory = socket.absolutePath();
    listener->close();
    QVERIFY(!QFileInfo::exists(directory));
}

void TestListener::secondListenerOnTheSameAddressFails()
{
    QTemporaryDir directory;
    for (const QString& address : {directory.filePath(QStringLiteral("s")), abstractName()}) {
        auto first = Listener::listen(address);
        QVERIFY(first.ok());
        auto second = Listener::listen(address);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().toString(),
                 QStringLiteral("OSError: [Errno 98] Address already in use"));
        // The failed one must not have removed the first one's socket.
        QCOMPARE(QFileInfo::exists(address), !address.startsWith(QLatin1Char('@')));
    }
}

void TestListener::clientDoesNotRetry()
{
    QCOMPARE(connectClient(QStringLiteral("/nonexistent/dir/socket")).error().toString(),
             QStringLiteral("OSError: [Errno 2] No such file or directory"));
    QCOMPARE(connectClient(abstractName()).error().toString(),
             QStringLiteral("OSError: [Errno 111] Connection refused"));
    QCOMPARE(connectClient(QString()).error().kind(), ErrorKind::InvalidArgument);
    QCOMPARE(connectClient(QString(200, QLatin1Char('x'))).error().message(),
             QStringLiteral("AF_UNIX path too long"));
}

void TestListener::handshake_data()
{
    QTest::addColumn<QByteArray>("serverKey"); // null: no key
    QTest::addColumn<QByteArray>("clientKey");
    QTest::addColumn<QString>("serverError");
    QTest::addColumn<QString>("clientError");
    QTest::newRow("same key") << QByteArray("k") << QByteArray("k") << QString() << QString();
    QTest::newRow("wrong key") << QByteArray("k") << QByteArray("x")
                               << "AuthenticationError: digest received was wrong"
                               << "AuthenticationError: digest sent was rejected";
    QTest::newRow("only the server has a key")
        << QByteArray("k") << QByteArray()
        << "AuthenticationError: timed out waiting for the peer's answer" << QString();
    QTest::newRow("only the client has a key")
        << QByteArray() << QByteArray("k") << QString()
        << "AuthenticationError: timed out waiting for the peer's challenge";
}

void TestListener::handshake()
{
    QFETCH(QByteArray, serverKey);
    QFETCH(QByteArray, clientKey);
    QFETCH(QString, serverError);
    QFETCH(QString, clientError);
    const QString address = abstractName();
    auto listener = Listener::listen(
        address, serverKey.isNull() ? std::nullopt : std::optional<QByteArray>(serverKey));
    QVERIFY(listener.ok());
    listener->setHandshakeTimeout(0.5);
    // Each side keeps its connection until both are done, so that neither sees the other's EOF
    // instead of the outcome under test.
    auto client = std::async(std::launch::async, [&] {
        return connectClient(
            address, clientKey.isNull() ? std::nullopt : std::optional<QByteArray>(clientKey), 0.5);
    });
    const auto accepted = listener->accept();
    const auto connected = client.get();
    QCOMPARE(accepted ? QString() : accepted.error().toString(), serverError);
    QCOMPARE(connected ? QString() : connected.error().toString(), clientError);
}

QTEST_GUILESS_MAIN(TestListener)
#include "tst_listener.moc"
