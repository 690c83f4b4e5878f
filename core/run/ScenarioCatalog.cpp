#include "run/ScenarioCatalog.h"

#include <QRandomGenerator>

namespace pipescope {

namespace {

ScenarioParameter intParameter(const char* name, double value, double minimum, double maximum,
                               const char* description)
{
    return {QLatin1String(name), QLatin1String(description), true, value, minimum, maximum};
}

ScenarioParameter floatParameter(const char* name, double value, double minimum, double maximum,
                                 const char* description)
{
    return {QLatin1String(name), QLatin1String(description), false, value, minimum, maximum};
}

// Two processes joined by one pipe: the usual shape. Duplex: the first process gets the first
// end. Simplex: the first process writes, so it gets the second end (Pipe(duplex=False) returns
// the read end first).
ScenarioPlan pairPlan(const char* firstName, const char* firstRole, const char* secondName,
                      const char* secondRole, PipeKind kind)
{
    ScenarioPlan plan;
    plan.processes = {ProcessPlan{QLatin1String(firstName), QLatin1String(firstRole), 0, {}},
                      ProcessPlan{QLatin1String(secondName), QLatin1String(secondRole), 0, {}}};
    plan.pipes = {kind == PipeKind::Duplex ? PipePlan{kind, 0, 1} : PipePlan{kind, 1, 0}};
    return plan;
}

// The scenarios that commit a classic mistake on purpose, each showing one finding.
void appendTeachingScenarios(QList<Scenario>& scenarios)
{
    Scenario deadlock;
    deadlock.name = QStringLiteral("deadlock");
    deadlock.title = QStringLiteral("Mistake: deadlock");
    deadlock.description = QStringLiteral(
        "The ping-pong with no first move: both players begin with recv(), each waiting for the "
        "other to send. PipeScope names who waits for whom, then stops them (CPython would "
        "hang for ever)");
    deadlock.seeds = QStringLiteral("no randomness: nobody gets to draw a value");
    deadlock.random = false;
    deadlock.demonstrates = QStringLiteral("deadlock");
    deadlock.plan = [](const ParameterValues&) {
        ScenarioPlan plan = pairPlan("player1", "player", "player2", "player", PipeKind::Duplex);
        plan.processes[1].seedOffset = 1;
        return plan;
    };
    scenarios.append(deadlock);

    Scenario forgotClose;
    forgotClose.name = QStringLiteral("forgot-close");
    forgotClose.title = QStringLiteral("Mistake: forgot to close");
    forgotClose.description = QStringLiteral(
        "The receiver reads until EOFError instead of a sentinel, but keeps the copy of the "
        "write end it inherited: once the sender has closed its end and gone, recv() waits for "
        "ever, since an end that is open anywhere brings no EOF");
    forgotClose.seeds = QStringLiteral("the sender draws from random.seed(SEED)");
    forgotClose.demonstrates = QStringLiteral("no-eof");
    forgotClose.parameters = {
        intParameter("count", 5, 1, 100000, "values the sender sends before it closes its end")};
    forgotClose.plan = [](const ParameterValues&) {
        ScenarioPlan plan =
            pairPlan("sender", "closing-sender", "receiver", "eof-reader", PipeKind::OneWay);
        plan.pipes[0].secondCopies = {1}; // the receiver's forgotten copy of the write end
        plan.parentCopies = ParentCopies::ClosedAfterStart; // the parent closes its own
        return plan;
    };
    scenarios.append(forgotClose);

    Scenario joinBeforeGet;
    joinBeforeGet.name = QStringLiteral("join-before-get");
    joinBeforeGet.title = QStringLiteral("Mistake: join before get");
    joinBeforeGet.description = QStringLiteral(
        "main joins its worker before receiving the worker's result, which is larger than the "
        "pipe's buffer: the worker cannot end until main reads, and main will not read until "
        "the worker has ended");
    joinBeforeGet.seeds = QStringLiteral("no randomness");
    joinBeforeGet.random = false;
    joinBeforeGet.demonstrates = QStringLiteral("join-pending");
    joinBeforeGet.parameters = {intParameter(
        "size", 1048576, 1, 67108864, "bytes in the worker's result (the pipe holds 64 KiB)")};
    joinBeforeGet.plan = [](const ParameterValues&) {
        ScenarioPlan plan;
        plan.processes = {
            ProcessPlan{QStringLiteral("main"),
                        QStringLiteral("joiner"),
                        0,
                        {QStringLiteral("--joins"), QStringLiteral("1")}},
            ProcessPlan{QStringLiteral("worker"), QStringLiteral("result-worker"), 0, {}}};
        // main reads what the worker writes, and holds the read end of the worker's sentinel.
        plan.pipes = {PipePlan{PipeKind::OneWay, 0, 1}, PipePlan{PipeKind::Sentinel, 0, 1}};
        plan.parentCopies = ParentCopies::ClosedAfterStart;
        return plan;
    };
    scenarios.append(joinBeforeGet);

    Scenario twoReaders;
    twoReaders.name = QStringLiteral("two-readers");
    twoReaders.title = QStringLiteral("Mistake: two readers");
    twoReaders.description = QStringLiteral(
        "Two consumers read the same end of one Pipe at the same time: each message goes to "
        "whichever recv() comes first, and a message can be torn between them (one gets its "
        "header, the other its body), the corruption the multiprocessing documentation warns of");
    twoReaders.seeds = QStringLiteral("the producer draws from random.seed(SEED)");
    twoReaders.demonstrates = QStringLiteral("shared-end");
    twoReaders.parameters = {
        intParameter("count", 10, 1, 100000, "values the producer sends before the Nones")};
    twoReaders.plan = [](const ParameterValues&) {
        ScenarioPlan plan;
        plan.processes = {
            ProcessPlan{QStringLiteral("producer"), QStringLiteral("shared-producer"), 0, {}},
            ProcessPlan{QStringLiteral("consumer1"), QStringLiteral("shared-consumer"), 0, {}},
            ProcessPlan{QStringLiteral("consumer2"), QStringLiteral("shared-consumer"), 0, {}}};
        // One Pipe(duplex=False): both consumers hold its read end, the producer its write end.
        plan.pipes = {PipePlan{PipeKind::OneWay, 1, 0, {}, {}, {2}}};
        plan.parentCopies = ParentCopies::ClosedAfterStart; // a torn reader ends with EOF
        return plan;
    };
    scenarios.append(twoReaders);

    Scenario fullPipe;
    fullPipe.name = QStringLiteral("full-pipe");
    fullPipe.title = QStringLiteral("Mistake: full pipe");
    fullPipe.description = QStringLiteral(
        "The sender sends items larger than the pipe's kernel buffer while the receiver is busy "
        "elsewhere: every send() blocks until the receiver gets round to reading");
    fullPipe.seeds = QStringLiteral("no randomness");
    fullPipe.random = false;
    fullPipe.demonstrates = QStringLiteral("blocked-send");
    fullPipe.parameters = {
        intParameter("count", 3, 1, 1000, "items the sender sends before None"),
        intParameter("size", 262144, 1, 16777216, "bytes per item (the pipe holds 64 KiB)"),
        floatParameter("delay", 1.0, 0, 60, "seconds of other work before the receiver reads")};
    fullPipe.plan = [](const ParameterValues&) {
        return pairPlan("sender", "big-sender", "receiver", "late-receiver", PipeKind::OneWay);
    };
    scenarios.append(fullPipe);

    Scenario busyPoll;
    busyPoll.name = QStringLiteral("busy-poll");
    busyPoll.title = QStringLiteral("Mistake: busy polling");
    busyPoll.description = QStringLiteral(
        "The receiver spins on poll() with no timeout (while not conn.poll(): pass) while the "
        "sender sends at random intervals: a whole CPU burnt on waiting");
    busyPoll.seeds = QStringLiteral("the sender draws its intervals from random.seed(SEED)");
    busyPoll.demonstrates = QStringLiteral("busy-poll");
    busyPoll.parameters = {
        intParameter("count", 5, 1, 1000, "values the sender sends before None"),
        floatParameter("interval", 0.2, 0, 10, "the sender's longest pause, in seconds")};
    busyPoll.plan = [](const ParameterValues&) {
        return pairPlan("sender", "poll-sender", "receiver", "busy-poller", PipeKind::OneWay);
    };
    scenarios.append(busyPoll);
}

QList<Scenario> makeCatalog()
{
    QList<Scenario> scenarios;

    Scenario senderReceiver;
    senderReceiver.name = QStringLiteral("sender-receiver");
    senderReceiver.title = QStringLiteral("Sender -> Receiver");
    senderReceiver.description =
        QStringLiteral("The tutorial's first example: random values, then None, through a "
                       "one-way Pipe(duplex=False)");
    senderReceiver.seeds = QStringLiteral("the sender draws from random.seed(SEED)");
    senderReceiver.parameters = {
        intParameter("count", 10, 1, 1000000, "values the sender draws and sends before None")};
    senderReceiver.plan = [](const ParameterValues&) {
        return pairPlan("sender", "sender", "receiver", "receiver", PipeKind::OneWay);
    };
    scenarios.append(senderReceiver);

    Scenario pingpong;
    pingpong.name = QStringLiteral("pingpong");
    pingpong.title = QStringLiteral("Duplex ping-pong");
    pingpong.description =
        QStringLiteral("The tutorial's second example: two players add random values over a "
                       "duplex Pipe until one passes the threshold");
    pingpong.seeds = QStringLiteral("player1 draws from random.seed(SEED), player2 from SEED+1");
    pingpong.parameters = {
        floatParameter("threshold", 10, 0, 1000000, "the game stops once a value passes it")};
    pingpong.plan = [](const ParameterValues&) {
        ScenarioPlan plan = pairPlan("player1", "player", "player2", "player", PipeKind::Duplex);
        plan.processes[0].extraArguments = {QStringLiteral("--first")};
        plan.processes[1].seedOffset = 1;
        return plan;
    };
    scenarios.append(pingpong);

    Scenario bytes;
    bytes.name = QStringLiteral("bytes");
    bytes.title = QStringLiteral("Bytes API");
    bytes.description =
        QStringLiteral("send_bytes with offset and size, recv_bytes, recv_bytes_into with an "
                       "offset, BufferTooShort, and recv_bytes(maxlength) refusing a message");
    bytes.seeds = QStringLiteral("no randomness");
    bytes.random = false;
    bytes.defaultTimeScale = 0;
    bytes.parameters = {
        intParameter("buffer", 32, 8, 4096, "the receiver's recv_bytes_into buffer, in bytes"),
        intParameter("maxlength", 100, 1, 1000000, "the receiver's last recv_bytes(maxlength)")};
    bytes.plan = [](const ParameterValues&) {
        ScenarioPlan plan =
            pairPlan("sender", "bytes-sender", "receiver", "bytes-receiver", PipeKind::OneWay);
        // The refused message may be larger than the pipe's buffer: once the receiver has closed
        // its end, the sender must get BrokenPipeError, not block on a copy nobody reads.
        plan.parentCopies = ParentCopies::ClosedAfterStart;
        return plan;
    };
    scenarios.append(bytes);

    Scenario poll;
    poll.name = QStringLiteral("poll");
    poll.title = QStringLiteral("Polling");
    poll.description = QStringLiteral("The receiver polls with a timeout and works between polls "
                                      "while the sender sends at random intervals");
    poll.seeds = QStringLiteral("the sender draws its intervals from random.seed(SEED)");
    poll.parameters = {
        intParameter("count", 5, 1, 100000, "values the sender sends before None"),
        floatParameter("timeout", 0.1, 0, 60, "the receiver's poll(timeout), in seconds"),
        floatParameter("interval", 0.5, 0, 60, "the sender's longest pause, in seconds")};
    poll.plan = [](const ParameterValues&) {
        return pairPlan("sender", "poll-sender", "receiver", "poll-receiver", PipeKind::OneWay);
    };
    scenarios.append(poll);

    Scenario flood;
    flood.name = QStringLiteral("flood");
    flood.title = QStringLiteral("Flood");
    flood.description =
        QStringLiteral("A fast sender and a slow receiver: the queue grows until the kernel's "
                       "buffer is full and the sender blocks; COUNT messages, then an empty one "
                       "that tells the receiver to stop (so COUNT+1 in the table)");
    flood.seeds = QStringLiteral("no randomness");
    flood.random = false;
    flood.parameters = {
        intParameter("count", 1000, 1, 100000000, "messages the sender sends"),
        intParameter("size", 1024, 8, 16777216, "bytes per message"),
        floatParameter("delay", 0.001, 0, 10, "the receiver's pause per message, in seconds"),
        intParameter("rate", 0, 0, 10000000,
                     "the sender's messages a second, kept to by sleeping (time scale X: rate/X; "
                     "0: as fast as it can)")};
    flood.plan = [](const ParameterValues&) {
        return pairPlan("sender", "flood-sender", "receiver", "flood-receiver", PipeKind::OneWay);
    };
    scenarios.append(flood);

    Scenario fanIn;
    fanIn.name = QStringLiteral("fan-in");
    fanIn.title = QStringLiteral("Fan-in");
    fanIn.description =
        QStringLiteral("N producers, each with its own one-way Pipe to one consumer that uses "
                       "wait(): a pipe joins exactly two processes");
    fanIn.seeds = QStringLiteral("producer K draws from random.seed(SEED+K)");
    fanIn.parameters = {
        intParameter("producers", 3, 1, 32, "producer processes, one pipe each"),
        intParameter("count", 5, 1, 100000, "values each producer sends before None")};
    fanIn.plan = [](const ParameterValues& values) {
        ScenarioPlan plan;
        const int producers = static_cast<int>(values.value(QStringLiteral("producers")));
        plan.processes.append({QStringLiteral("consumer"), QStringLiteral("consumer"), 0, {}});
        for (int k = 1; k <= producers; ++k) {
            plan.processes.append(
                {QStringLiteral("producer%1").arg(k), QStringLiteral("producer"), k, {}});
            plan.pipes.append({PipeKind::OneWay, 0, k});
        }
        return plan;
    };
    scenarios.append(fanIn);

    appendTeachingScenarios(scenarios);
    return scenarios;
}

} // namespace

const QList<Scenario>& ScenarioCatalog::all()
{
    static const QList<Scenario> scenarios = makeCatalog();
    return scenarios;
}

const Scenario* ScenarioCatalog::find(const QString& name)
{
    for (const Scenario& scenario : all()) {
        if (scenario.name == name)
            return &scenario;
    }
    return nullptr;
}

Result<RunSettings> ScenarioCatalog::resolve(const RunRequest& request)
{
    RunSettings settings;
    settings.scenario = find(request.scenario);
    if (!settings.scenario) {
        QStringList names;
        for (const Scenario& scenario : all())
            names.append(scenario.name);
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("unknown scenario '%1'; the scenarios are: %2")
                         .arg(request.scenario, names.join(u", ")));
    }
    auto values = settings.scenario->resolve(request.parameters);
    if (!values)
        return values.error();
    settings.values = *values;
    if (request.timeScale && !(*request.timeScale >= 0 && *request.timeScale <= 1000))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("--time-scale must be from 0 to 1000 (0: no sleeping)"));
    settings.timeScale = request.timeScale.value_or(settings.scenario->defaultTimeScale);
    settings.seedDrawn = !request.seed;
    settings.seed = request.seed ? *request.seed : QRandomGenerator::system()->generate();
    settings.plan = settings.scenario->plan(settings.values);
    return settings;
}

} // namespace pipescope
