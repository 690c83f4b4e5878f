#include "SyntheticRun.h"

#include "BenchError.h"
#include "trace/TraceStore.h"
#include "wire/PickleWriter.h"
#include "wire/Value.h"

#include <QByteArray>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace pipescope::bench {

namespace {

constexpr int kValues = 256;
constexpr qint64 kCapacity = 1000; // messages the pipe holds
constexpr qint64 kPhase = 20'000;  // messages per phase
constexpr qint64 kGap = 150;       // between one call and the next

struct Texts
{
    std::array<QByteArray, kValues> repr;
    std::array<QByteArray, kValues> pickle;

    Texts()
    {
        for (int k = 0; k < kValues; ++k) {
            // Values like the tutorial's random() draws: 16 to 18 significant digits.
            const double value = std::fmod(0.6180339887498949 * (k + 1) * 7.3, 1.0);
            const Value v = Value::fromFloat(value);
            repr[size_t(k)] = v.repr().toUtf8();
            pickle[size_t(k)] = encodePickle(v);
        }
    }
};

TelemetryRecord stateRecord(qint64 t, ProcessState state, quint16 channel)
{
    TelemetryRecord record;
    record.tNs = record.startNs = t;
    record.kind = EventKind::State;
    record.detail = static_cast<quint8>(state);
    record.channel = channel;
    return record;
}

} // namespace

qint64 SyntheticRun::generate(qint64 messages, const Sink& sink)
{
    static const Texts texts;
    quint64 random = 0x9e3779b97f4a7c15ULL;
    auto jitter = [&random] {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        return qint64(random % 200);
    };
    auto message = [&](EventKind kind, qint64 seq, qint64 start, qint64 end) {
        TelemetryRecord record;
        record.tNs = end;
        record.startNs = start;
        record.kind = kind;
        record.seq = seq;
        record.channel = kChannel;
        const auto k = size_t(seq % kValues);
        record.amount = texts.pickle[k].size();
        sink(kind == EventKind::Send ? kSender : kReceiver, record, texts.repr[k], texts.pickle[k]);
    };

    const qint64 begin = 1'000'000;
    sink(kSender, stateRecord(begin, ProcessState::Running, kNoChannel), {}, {});
    sink(kReceiver, stateRecord(begin + 400, ProcessState::Running, kNoChannel), {}, {});
    std::vector<qint64> received(size_t(kCapacity), 0); // when message i - kCapacity was taken
    qint64 senderClock = begin + 2'000;
    qint64 receiverClock = begin + 3'000;
    for (qint64 i = 0; i < messages; ++i) {
        const bool receiverSlower = (i / kPhase) % 2 == 0;
        const qint64 sendCost = receiverSlower ? 700 : 1'100;
        const qint64 recvCost = receiverSlower ? 1'100 : 650;

        // The sender: blocked in send while the pipe is full.
        const qint64 sendStart = senderClock;
        qint64 sendEnd = sendStart + sendCost;
        const qint64 room = received[size_t(i % kCapacity)];
        if (i >= kCapacity && room > sendStart) {
            sink(kSender, stateRecord(sendStart + 200, ProcessState::BlockedSend, kChannel), {},
                 {});
            sink(kSender, stateRecord(room + 300, ProcessState::Running, kNoChannel), {}, {});
            sendEnd = room + 300 + sendCost;
        }
        message(EventKind::Send, i, sendStart, sendEnd);
        senderClock = sendEnd + kGap + jitter();

        // The receiver: blocked in recv while the pipe is empty.
        const qint64 recvStart = receiverClock;
        qint64 recvEnd = recvStart + recvCost;
        if (sendEnd > recvStart) {
            sink(kReceiver, stateRecord(recvStart + 200, ProcessState::BlockedRecv, kChannel), {},
                 {});
            sink(kReceiver, stateRecord(sendEnd + 300, ProcessState::Running, kNoChannel), {}, {});
            recvEnd = sendEnd + 300 + recvCost;
        }
        message(EventKind::Recv, i, recvStart, recvEnd);
        received[size_t(i % kCapacity)] = recvEnd;
        receiverClock = recvEnd + kGap + jitter();
    }
    TelemetryRecord exited = stateRecord(senderClock, ProcessState::Exited, kNoChannel);
    sink(kSender, exited, {}, {});
    exited.tNs = exited.startNs = receiverClock;
    sink(kReceiver, exited, {}, {});
    return std::max(senderClock, receiverClock);
}

qint64 SyntheticRun::fill(TraceStore& store, qint64 messages, const char* what)
{
    store.setOrigin(0);
    store.addProcess(QStringLiteral("sender"), QStringLiteral("flood-sender"));
    store.addProcess(QStringLiteral("receiver"), QStringLiteral("flood-receiver"));
    store.addChannel(QStringLiteral("sender->receiver"), kSender, kReceiver);
    return generate(messages, [&](int process, const TelemetryRecord& record, QByteArrayView text,
                                  QByteArrayView head) {
        if (!store.append(process, record, text, head))
            fail((std::string(what) + ": the synthetic run does not fit the store").c_str());
    });
}

} // namespace pipescope::bench
