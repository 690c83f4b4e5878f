// The frame codec: header encoding at every edge, the incremental decoder fed every split of a
// stream, hostile headers, maxlength and end-of-stream errors, and bounded memory.
#include "wire/FrameDecoder.h"
#include "wire/FrameHeader.h"

#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>
#include <vector>

using namespace pipescope;

namespace {

QByteArray header(quint64 length)
{
    char out[FrameHeader::kLongSize];
    return {out, FrameHeader::encode(length, out)};
}

QByteArray frame(const QByteArray& payload)
{
    return header(static_cast<quint64>(payload.size())) + payload;
}

QByteArray payloadOf(qsizetype size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = static_cast<char>(seed + i * 7);
    return bytes;
}

struct Decoded
{
    QList<QByteArray> frames;
    std::optional<Error> error;
};

// Feeds `stream` cut into pieces at `cuts` (ascending offsets) and collects every frame.
Decoded decodeWithCuts(const QByteArray& stream, const std::vector<qsizetype>& cuts,
                       std::optional<quint64> maxLength = std::nullopt)
{
    FrameDecoder decoder;
    Decoded result;
    qsizetype start = 0;
    std::vector<qsizetype> ends = cuts;
    ends.push_back(stream.size());
    for (qsizetype end : ends) {
        std::span<const char> input(stream.constData() + start, static_cast<size_t>(end - start));
        start = end;
        for (;;) {
            const FrameDecoder::Step step = decoder.next(input, maxLength);
            if (step.status == FrameDecoder::Status::Frame) {
                result.frames.append(step.gathered
                                         ? decoder.takeGathered()
                                         : QByteArray(step.frame.data(), step.frame.size()));
                continue;
            }
            if (step.status == FrameDecoder::Status::Failed) {
                result.error = decoder.error();
                return result;
            }
            break;
        }
        if (!input.empty())
            qFatal("decoder left input unconsumed");
    }
    return result;
}

} // namespace

class TestFrameCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesHeaders_data();
    void encodesHeaders();
    void decodesHeaderEdges_data();
    void decodesHeaderEdges();
    void everyTwoWaySplitGivesTheSameFrames();
    void oneByteAtATimeGivesTheSameFrames();
    void randomChunksGiveTheSameFrames();
    void largeHeaderMathWithoutAllocating();
    void hugeClaimGrowsOnlyWithArrivingBytes();
    void negativeLengthIsAProtocolError_data();
    void negativeLengthIsAProtocolError();
    void maxLengthIsEnforcedFromTheHeaderAlone();
    void maxLengthEqualIsAccepted();
    void endOfStream_data();
    void endOfStream();
    void wholeFramesAreViewsOfTheInput();

private:
    QByteArray m_stream;
    QList<QByteArray> m_payloads;

public:
    TestFrameCodec()
    {
        for (qsizetype size : {0, 1, 5, 0, 300, 16384, 16385, 70000, 3})
            m_payloads.append(payloadOf(size, static_cast<char>(size)));
        for (const QByteArray& payload : std::as_const(m_payloads))
            m_stream += frame(payload);
    }
};

void TestFrameCodec::encodesHeaders_data()
{
    QTest::addColumn<quint64>("length");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("0") << quint64(0) << QByteArray::fromHex("00000000");
    QTest::newRow("1") << quint64(1) << QByteArray::fromHex("00000001");
    QTest::newRow("16384") << quint64(16384) << QByteArray::fromHex("00004000");
    QTest::newRow("16385") << quint64(16385) << QByteArray::fromHex("00004001");
    QTest::newRow("0x7fffffff") << quint64(0x7fffffff) << QByteArray::fromHex("7fffffff");
    QTest::newRow("0x80000000 escapes")
        << quint64(0x80000000) << QByteArray::fromHex("ffffffff0000000080000000");
    QTest::newRow("2**40 escapes")
        << (quint64(1) << 40) << QByteArray::fromHex("ffffffff0000010000000000");
    QTest::newRow("2**64-1 escapes")
        << ~quint64(0) << QByteArray::fromHex("ffffffffffffffffffffffff");
}

void TestFrameCodec::encodesHeaders()
{
    QFETCH(quint64, length);
    QFETCH(QByteArray, expected);
    QCOMPARE(header(length), expected);
    QCOMPARE(FrameHeader::sizeFor(length), expected.size());
}

void TestFrameCodec::decodesHeaderEdges_data()
{
    QTest::addColumn<qsizetype>("size");
    for (qsizetype size : {0, 1, 16384, 16385, 256 * 1024 + 1})
        QTest::newRow(qPrintable(QString::number(size))) << size;
}

void TestFrameCodec::decodesHeaderEdges()
{
    QFETCH(qsizetype, size);
    const QByteArray payload = payloadOf(size, 'a');
    const Decoded whole = decodeWithCuts(frame(payload), {});
    QCOMPARE(whole.frames.size(), 1);
    QCOMPARE(whole.frames.first(), payload);
    // The same payload behind the -1 escape (which a sender may use for any size).
    QByteArray escaped = QByteArray::fromHex("ffffffff");
    char length[8];
    qToBigEndian(quint64(size), length);
    escaped += QByteArray(length, 8) + payload;
    const Decoded viaEscape = decodeWithCuts(escaped, {2, 7});
    QVERIFY(!viaEscape.error);
    QCOMPARE(viaEscape.frames.size(), 1);
    QCOMPARE(viaEscape.frames.first(), payload);
}

void TestFrameCodec::everyTwoWaySplitGivesTheSameFrames()
{
    // Every cut point of a smaller stream (the big frames make the full one slow to sweep).
    QByteArray stream;
    QList<QByteArray> payloads;
    for (qsizetype size : {0, 1, 5, 0, 300, 3}) {
        payloads.append(payloadOf(size, 'x'));
        stream += frame(payloads.last());
    }
    stream += QByteArray::fromHex("ffffffff0000000000000004") + "long";
    payloads.append("long");
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        for (qsizetype second = cut; second <= stream.size(); second += 3) {
            const Decoded decoded = decodeWithCuts(stream, {cut, second});
            QVERIFY(!decoded.error);
            QCOMPARE(decoded.frames, payloads);
        }
    }
}

void TestFrameCodec::oneByteAtATimeGivesTheSameFrames()
{
    std::vector<qsizetype> cuts;
    for (qsizetype i = 1; i < m_stream.size(); ++i)
        cuts.push_back(i);
    const Decoded decoded = decodeWithCuts(m_stream, cuts);
    QVERIFY(!decoded.error);
    QCOMPARE(decoded.frames, m_payloads);
}

void TestFrameCodec::randomChunksGiveTheSameFrames()
{
    QRandomGenerator random(1234);
    for (int round = 0; round < 200; ++round) {
        std::vector<qsizetype> cuts;
        qsizetype at = 0;
        const int maxChunk = round % 2 ? 13 : 40000;
        for (;;) {
            at += random.bounded(1, maxChunk);
            if (at >= m_stream.size())
                break;
            cuts.push_back(at);
        }
        const Decoded decoded = decodeWithCuts(m_stream, cuts);
        QVERIFY(!decoded.error);
        QCOMPARE(decoded.frames, m_payloads);
    }
    // And all frames in one chunk.
    QCOMPARE(decodeWithCuts(m_stream, {}).frames, m_payloads);
}

void TestFrameCodec::largeHeaderMathWithoutAllocating()
{
    // A 3 GiB message: the header is decoded and the state tracks the length, but only the bytes
    // that arrive are stored.
    const quint64 length = 3ull << 30;
    const QByteArray head = header(length);
    QCOMPARE(head.size(), FrameHeader::kLongSize);
    FrameDecoder decoder;
    QByteArray input = head + QByteArray(1000, 'z');
    std::span<const char> view(input.constData(), input.size());
    const auto step = decoder.next(view);
    QCOMPARE(step.status, FrameDecoder::Status::NeedMore);
    QVERIFY(view.empty());
    QCOMPARE(decoder.state(), FrameDecoder::State::Payload);
    QCOMPARE(decoder.payloadRemaining(), length - 1000);
    QVERIFY(decoder.payloadSpace().size() <= size_t(FrameDecoder::kGrowthStep));
}

void TestFrameCodec::hugeClaimGrowsOnlyWithArrivingBytes()
{
    // 5 bytes claiming a 2 GiB - 1 message: nothing like that much is allocated, and the end of
    // the stream is an error inside a message.
    FrameDecoder decoder;
    const QByteArray input = QByteArray::fromHex("7fffffff") + "x";
    std::span<const char> view(input.constData(), input.size());
    QCOMPARE(decoder.next(view).status, FrameDecoder::Status::NeedMore);
    QCOMPARE(decoder.payloadRemaining(), quint64(0x7fffffff) - 1);
    // The room offered for direct reads grows by a bounded step with what has arrived.
    qsizetype received = 1;
    for (int i = 0; i < 10; ++i) {
        const std::span<char> room = decoder.payloadSpace();
        QVERIFY(qsizetype(room.size()) <= std::max<qsizetype>(received, 4096));
        decoder.commitPayload(qsizetype(room.size()));
        received += qsizetype(room.size());
    }
    QVERIFY(received < 2 * 1024 * 1024);
    QCOMPARE(decoder.endOfStream().kind(), ErrorKind::EofDuringMessage);
    QCOMPARE(decoder.state(), FrameDecoder::State::Header);
}

void TestFrameCodec::negativeLengthIsAProtocolError_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::newRow("-2") << QByteArray::fromHex("fffffffe00");
    QTest::newRow("INT_MIN") << QByteArray::fromHex("80000000");
    QTest::newRow("after a good frame") << QByteArray::fromHex("0000000161ffffff00");
}

void TestFrameCodec::negativeLengthIsAProtocolError()
{
    QFETCH(QByteArray, stream);
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        const Decoded decoded = decodeWithCuts(stream, {cut});
        QVERIFY(decoded.error);
        QCOMPARE(decoded.error->kind(), ErrorKind::Protocol);
        QVERIFY(decoded.error->message().contains(QLatin1String("negative length")));
    }
}

void TestFrameCodec::maxLengthIsEnforcedFromTheHeaderAlone()
{
    // Only the header is there: the refusal does not wait for the payload.
    FrameDecoder decoder;
    const QByteArray input = header(100);
    std::span<const char> view(input.constData(), input.size());
    QCOMPARE(decoder.next(view, 99).status, FrameDecoder::Status::Failed);
    QCOMPARE(decoder.error()->kind(), ErrorKind::BadMessageLength);
    QCOMPARE(decoder.error()->message(), QStringLiteral("bad message length"));
    QCOMPARE(decoder.state(), FrameDecoder::State::Failed);
    // A failed decoder stays failed.
    const QByteArray more = frame("ok");
    std::span<const char> next(more.constData(), more.size());
    QCOMPARE(decoder.next(next).status, FrameDecoder::Status::Failed);
}

void TestFrameCodec::maxLengthEqualIsAccepted()
{
    const Decoded decoded = decodeWithCuts(frame("12345"), {3}, 5);
    QVERIFY(!decoded.error);
    QCOMPARE(decoded.frames, QList<QByteArray>{"12345"});
}

void TestFrameCodec::endOfStream_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("kind");
    QTest::newRow("nothing") << QByteArray() << int(ErrorKind::Eof);
    QTest::newRow("after a frame") << frame("abc") << int(ErrorKind::Eof);
    QTest::newRow("inside the header")
        << QByteArray::fromHex("0000") << int(ErrorKind::EofDuringMessage);
    QTest::newRow("after the header") << header(3) << int(ErrorKind::EofDuringMessage);
    QTest::newRow("inside the payload") << header(3) + "ab" << int(ErrorKind::EofDuringMessage);
    QTest::newRow("inside the long header")
        << QByteArray::fromHex("ffffffff0000") << int(ErrorKind::EofDuringMessage);
}

void TestFrameCodec::endOfStream()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, kind);
    FrameDecoder decoder;
    std::span<const char> view(stream.constData(), stream.size());
    while (decoder.next(view).status == FrameDecoder::Status::Frame) {
    }
    const Error error = decoder.endOfStream();
    QCOMPARE(int(error.kind()), kind);
    if (error.kind() == ErrorKind::EofDuringMessage)
        QCOMPARE(error.message(), QStringLiteral("got end of file during message"));
}

void TestFrameCodec::wholeFramesAreViewsOfTheInput()
{
    const QByteArray stream = frame("first") + frame("second");
    FrameDecoder decoder;
    std::span<const char> view(stream.constData(), stream.size());
    const auto step = decoder.next(view);
    QCOMPARE(step.status, FrameDecoder::Status::Frame);
    QVERIFY(!step.gathered);
    QCOMPARE(step.frame.data(), stream.constData() + 4);
    QCOMPARE(QByteArray(step.frame.data(), step.frame.size()), QByteArray("first"));
}

QTEST_APPLESS_MAIN(TestFrameCodec)
#include "tst_framecodec.moc"
