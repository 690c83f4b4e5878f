#include "pipe/Authentication.h"

#include "wire/PyRepr.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <array>
#include <cerrno>
#include <optional>
#include <sys/random.h>

namespace pipescope {

namespace {

const QByteArray kChallenge = QByteArrayLiteral("#CHALLENGE#");
const QByteArray kWelcome = QByteArrayLiteral("#WELCOME#");
const QByteArray kFailure = QByteArrayLiteral("#FAILURE#");
constexpr qsizetype kMessageLength = 40;
constexpr qsizetype kLegacyChallengeLength = 20;
constexpr qsizetype kMd5DigestLength = 16;
constexpr qint64 kMaxHandshakeMessage = 256;

struct Digest
{
    const char* name;
    QCryptographicHash::Algorithm algorithm;
};

constexpr std::array kAllowedDigests = {
    Digest{"md5", QCryptographicHash::Md5},
    Digest{"sha256", QCryptographicHash::Sha256},
    Digest{"sha384", QCryptographicHash::Sha384},
    Digest{"sha3_256", QCryptographicHash::Sha3_256},
    Digest{"sha3_384", QCryptographicHash::Sha3_384},
};

std::optional<QCryptographicHash::Algorithm> algorithmNamed(const QByteArray& name)
{
    for (const Digest& digest : kAllowedDigests) {
        if (name == digest.name)
            return digest.algorithm;
    }
    return std::nullopt;
}

Error authenticationError(const QString& message)
{
    return Error(ErrorKind::Authentication, message);
}

struct NamedPayload
{
    QByteArray digestName; // empty for a legacy (3.11) message
    QByteArray payload;
};

// CPython's _get_digest_name_and_payload().
Result<NamedPayload> splitDigest(const QByteArray& message)
{
    if (message.size() == kLegacyChallengeLength || message.size() == kMd5DigestLength)
        return NamedPayload{QByteArray(), message};
    if (message.startsWith('{')) {
        const qsizetype curly = message.indexOf('}', 1);
        if (curly > 0 && curly < 20) {
            const QByteArray name = message.mid(1, curly - 1);
            if (algorithmNamed(name))
                return NamedPayload{name, message.mid(curly + 1)};
        }
    }
    return authenticationError(
        QStringLiteral("unsupported message length, missing digest prefix, or unsupported digest: "
                       "message=") +
        reprBytes(message));
}

QByteArray hmac(const QByteArray& key, const QByteArray& message,
                QCryptographicHash::Algorithm algorithm)
{
    return QMessageAuthenticationCode::hash(message, key, algorithm);
}

bool equalInConstantTime(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

Result<QByteArray> randomBytes(qsizetype count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < count) {
        const ssize_t got =
            ::getrandom(bytes.data() + filled, static_cast<size_t>(count - filled), 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return Error::fromErrno(errno);
        }
        filled += got;
    }
    return bytes;
}

// One handshake message, waited for no longer than the deadline.
Result<QByteArray> receiveWithin(Connection& connection, const Deadline& deadline, const char* what)
{
    const Result<bool> ready = connection.poll(deadline.remainingSeconds());
    if (!ready)
        return ready.error();
    if (!*ready)
        return authenticationError(
            QStringLiteral("timed out waiting for the peer's %1").arg(QLatin1String(what)));
    return connection.recvBytes(kMaxHandshakeMessage);
}

} // namespace

Result<QByteArray> Authentication::createResponse(const QByteArray& authkey,
                                                  const QByteArray& challenge)
{
    const Result<NamedPayload> named = splitDigest(challenge);
    if (!named)
        return named.error();
    if (named->digestName.isEmpty())
        return hmac(authkey, challenge, QCryptographicHash::Md5);
    const QByteArray mac = hmac(authkey, challenge, *algorithmNamed(named->digestName));
    return QByteArray('{' + named->digestName + '}' + mac);
}

Status Authentication::verifyResponse(const QByteArray& authkey, const QByteArray& challenge,
                                      const QByteArray& response)
{
    const Result<NamedPayload> named = splitDigest(response);
    if (!named)
        return named.error();
    const QByteArray name =
        named->digestName.isEmpty() ? QByteArrayLiteral("md5") : named->digestName;
    const QByteArray expected = hmac(authkey, challenge, *algorithmNamed(name));
    if (expected.size() != named->payload.size())
        return authenticationError(QStringLiteral("expected '%1' of length %2 got %3")
                                       .arg(QString::fromLatin1(name))
                                       .arg(expected.size())
                                       .arg(named->payload.size()));
    if (!equalInConstantTime(expected, named->payload))
        return authenticationError(QStringLiteral("digest received was wrong"));
    return {};
}

Status Authentication::deliverChallenge(Connection& connection, const QByteArray& authkey,
                                        const Deadline& deadline)
{
    const Result<QByteArray> random = randomBytes(kMessageLength);
    if (!random)
        return random.error();
    const QByteArray message = QByteArrayLiteral("{sha256}") + *random;
    if (Status sent = connection.sendBytes(kChallenge + message); !sent)
        return sent;
    const Result<QByteArray> response = receiveWithin(connection, deadline, "answer");
    if (!response)
        return response.error();
    if (Status verified = verifyResponse(authkey, message, *response); !verified) {
        (void)connection.sendBytes(kFailure); // the peer may already be gone
        return verified;
    }
    return connection.sendBytes(kWelcome);
}

Status Authentication::answerChallenge(Connection& connection, const QByteArray& authkey,
                                       const Deadline& deadline)
{
    Result<QByteArray> message = receiveWithin(connection, deadline, "challenge");
    if (!message)
        return message.error();
    if (!message->startsWith(kChallenge))
        return authenticationError(QStringLiteral("Protocol error, expected challenge: message=") +
                                   reprBytes(*message));
    const QByteArray challenge = message->mid(kChallenge.size());
    if (challenge.size() < kLegacyChallengeLength)
        return authenticationError(
            QStringLiteral("challenge too short: %1 bytes").arg(challenge.size()));
    const Result<QByteArray> digest = createResponse(authkey, challenge);
    if (!digest)
        return digest.error();
    if (Status sent = connection.sendBytes(*digest); !sent)
        return sent;
    const Result<QByteArray> response = receiveWithin(connection, deadline, "verdict");
    if (!response)
        return response.error();
    if (*response != kWelcome)
        return authenticationError(QStringLiteral("digest sent was rejected"));
    return {};
}

} // namespace pipescope
