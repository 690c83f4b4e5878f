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
        floatParameter("delay", 0.001, 0, 10, "the receiver's pause per message, in seconds")};
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
