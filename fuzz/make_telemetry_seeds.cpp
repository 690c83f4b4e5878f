// Writes seeds for fuzz_telemetry: telemetry batches as workers' Tracers really send them.
//
//   make_telemetry_seeds OUTPUT_DIR
//
// Three traced "processes" in this one process talk over real pipes on the channels of
// fuzz_telemetry's store (0 p0->p1, 1 p1->p0, 2 p0->p2, 3 p2->p1): values and bytes, a poll, a
// cut preview, a sleep, an error, printed lines. What each Tracer commits to its telemetry ring is
// read back as the runner reads it and written as [process byte][records...] (see
// fuzz_telemetry.cpp). make_corpus.py runs this.

#include "pipe/Pipe.h"
#include "trace/TelemetryInbox.h"
#include "trace/Tracer.h"
#include "wire/Value.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

using namespace pipescope;

namespace {

struct Traced
{
    TelemetryInbox inbox;
    std::unique_ptr<Tracer> tracer;
};

Traced traced()
{
    Result<TelemetryInbox::Made> made = TelemetryInbox::create();
    Result<TelemetryRing> ring = made ? TelemetryRing::attach(made->inbox.ringDescriptor())
                                      : Result<TelemetryRing>(made.error());
    if (!ring) {
        std::fprintf(stderr, "telemetry: %s\n", qPrintable(ring.error().toString()));
        std::exit(1);
    }
    return {std::move(made->inbox),
            std::make_unique<Tracer>(std::move(made->workerWake), std::move(*ring))};
}

PipeEnds pipe(bool duplex)
{
    Result<PipeEnds> ends = makePipe(duplex);
    if (!ends)
        std::exit(1);
    return std::move(*ends);
}

template <typename T> T check(Result<T> result)
{
    if (!result) {
        std::fprintf(stderr, "%s\n", qPrintable(result.error().toString()));
        std::exit(1);
    }
    return std::move(*result);
}

void check(const Status& status)
{
    if (!status) {
        std::fprintf(stderr, "%s\n", qPrintable(status.error().toString()));
        std::exit(1);
    }
}

// Every record the tracer committed (it has closed its end), back to back as in its ring.
QByteArray drain(TelemetryInbox& inbox)
{
    QByteArray records;
    const Result<qsizetype> read = inbox.read(
        [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) -> Status {
            records.append(reinterpret_cast<const char*>(&record), sizeof record);
            records.append(text.data(), text.size());
            records.append(head.data(), head.size());
            return {};
        });
    if (!read && read.error().kind() != ErrorKind::Eof)
        check(Status(read.error()));
    return records;
}

void write(const QString& path, char process, const QByteArray& batches)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray(1, process) + batches) < 0) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_telemetry_seeds OUTPUT_DIR\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    Traced p0 = traced();
    Traced p1 = traced();
    Traced p2 = traced();

    PipeEnds duplex = pipe(true);  // p0 (first) <-> p1 (second): channels 0 and 1
    PipeEnds toP2 = pipe(false);   // p0 writes (second), p2 reads (first): channel 2
    PipeEnds p2toP1 = pipe(false); // p2 writes (second), p1 reads (first): channel 3
    p0.tracer->attach(duplex.first, 0, 1);
    p1.tracer->attach(duplex.second, 1, 0);
    p0.tracer->attach(toP2.second, 2, kNoChannel);
    p2.tracer->attach(toP2.first, kNoChannel, 2);
    p2.tracer->attach(p2toP1.second, 3, kNoChannel);
    p1.tracer->attach(p2toP1.first, kNoChannel, 3);

    for (Traced* p : {&p0, &p1, &p2})
        p->tracer->setState(ProcessState::Running);
    p0.tracer->print(QStringLiteral("Sender: Running"));

    const QList<Value> values{
        Value::fromFloat(0.6394267984578837),
        Value::fromInt(-42),
        Value::fromStr(QStringLiteral("h\u00e9llo")),
        Value::tuple({Value::fromInt(1), Value::fromBool(true), Value::none()}),
        Value::dict({{Value::fromStr(QStringLiteral("k")), Value::list({Value::fromInt(2)})}}),
        Value::fromBytes(QByteArray("\x00\x01\xfe", 3)),
        Value::none(),
    };
    for (const Value& value : values) {
        check(duplex.first.send(value));
        p1.tracer->setState(ProcessState::BlockedRecv, 0);
        const Value got = check(duplex.second.recv());
        p1.tracer->setState(ProcessState::Running);
        p1.tracer->print(QStringLiteral(">receiver got ") + got.repr());
    }
    check(duplex.second.send(Value::fromFloat(10.5)));
    p0.tracer->setState(ProcessState::Polling, 1);
    check(duplex.first.poll(0.1));
    p0.tracer->setState(ProcessState::Running);
    check(duplex.first.recv());

    check(toP2.second.sendBytes(QByteArray(100, 'x'))); // a preview cut at 64 bytes
    check(toP2.first.recvBytes());
    check(p2toP1.second.send(Value::fromStr(QString(300, QLatin1Char('y'))))); // text cut at 256
    check(p2toP1.first.recv());
    p2.tracer->sleep(0.001);
    p2.tracer->reportError(Error(ErrorKind::Eof, QString()));

    p0.tracer->print(QStringLiteral("Sender: Done"));
    p0.tracer->finish(0);
    p1.tracer->finish(0);
    p2.tracer->finish(1);
    for (Traced* p : {&p0, &p1, &p2})
        p->tracer.reset(); // flushes

    const QByteArray b0 = drain(p0.inbox);
    const QByteArray b1 = drain(p1.inbox);
    const QByteArray b2 = drain(p2.inbox);
    if (b0.isEmpty() || b1.isEmpty() || b2.isEmpty()) {
        std::fprintf(stderr, "a tracer sent nothing\n");
        return 1;
    }
    write(out + QStringLiteral("/tracer_p0.bin"), 0, b0);
    write(out + QStringLiteral("/tracer_p1.bin"), 1, b1);
    write(out + QStringLiteral("/tracer_p2.bin"), 2, b2);
    // All three runs into one store; other events of all of them land on p0.
    write(out + QStringLiteral("/tracer_all.bin"), 0, b0 + b1 + b2);
    // The same with every event on p1 (messages refused where p1 does not own the channel end).
    write(out + QStringLiteral("/tracer_all_as_p1.bin"), char(0x81), b0 + b1 + b2);
    return 0;
}
