// The window, offscreen, with real runs: a click on Run fills the table and draws an arrow per
// delivered message, Stop ends a long run, selection links table and timeline both ways, exports
// parse back, a saved events file shows the same messages, and the rendered timeline has its
// arrows and a crashed lane's red where they belong.
#include "ColorScheme.h"
#include "CompareWindow.h"
#include "ConsoleView.h"
#include "CurrentRun.h"
#include "DetailsPane.h"
#include "FindingsModel.h"
#include "FindingsPane.h"
#include "InternalTrafficToggle.h"
#include "MainWindow.h"
#include "MessageTableModel.h"
#include "MessagesPane.h"
#include "OverviewStrip.h"
#include "Quantity.h"
#include "Run.h"
#include "RunExports.h"
#include "RunHistoryModel.h"
#include "ScenarioGallery.h"
#include "SequenceView.h"
#include "StatisticsPane.h"
#include "SteadyLabel.h"
#include "Theme.h"
#include "TimeAxis.h"
#include "TimeScale.h"
#include "TimelineLayout.h"
#include "TimelineView.h"
#include "VisibleTextDelegate.h"
#include "base/MonotonicClock.h"
#include "run/ScenarioCatalog.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonReader.h"
#include "trace/EventsJsonWriter.h"
#include "trace/MessagesCsvWriter.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QWheelEvent>
#include <csignal>

using namespace pipescope;

namespace {

RunRequest request(const QString& scenario, quint64 seed, double timeScale,
                   const ParameterValues& parameters = {})
{
    RunRequest r;
    r.scenario = scenario;
    r.seed = seed;
    r.timeScale = timeScale;
    r.parameters = parameters;
    return r;
}

// The message of a row of the messages table, -1 for none.
int messageOfRow(const QTableView& table, const QModelIndex& row)
{
    const auto* messages = qobject_cast<const MessageTableModel*>(table.model());
    return row.isValid() ? messages->messageAt(row.row()) : -1;
}

bool waitForRun(MainWindow& window)
{
    const ScenarioRunner* runner = window.currentRunner();
    if (runner && runner->state() == ScenarioRunner::State::Finished)
        return true;
    QSignalSpy finished(&window, &MainWindow::runFinished);
    return finished.wait(120000);
}

// A finished run's findings are analyzed on a thread of their own: until they are in.
bool waitForFindings(MainWindow& window)
{
    const Run* run = window.currentRun()->run();
    return run && QTest::qWaitFor([run] { return run->findings() != nullptr; }, 60000);
}

QImage render(QWidget& widget)
{
    return widget.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

bool near(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) < 40 && std::abs(a.green() - b.green()) < 40 &&
           std::abs(a.blue() - b.blue()) < 40;
}

// Counts the events of one type that reach the objects it filters.
class EventCounter : public QObject
{
public:
    explicit EventCounter(QEvent::Type type)
        : m_type(type)
    {}
    int count = 0;

protected:
    bool eventFilter(QObject*, QEvent* event) override
    {
        count += event->type() == m_type ? 1 : 0;
        return false;
    }

private:
    QEvent::Type m_type;
};

} // namespace

class TestUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findingsOfARun();
    void aTeachingRunShowsItsFindingAndItsMessages();
    void initTestCase();
    void timeScale_data();
    void timeScale();
    void zoomKeepsTheAnchor();
    void quantitiesReadLikeWords();
    void coloursCanBeDarkOrLightOrTheDesktops();
    void fitShowsTheActivity();
    void tickSteps_data();
    void tickSteps();
    void runFillsTheTableAndTheTimeline();
    void stopEndsALongRun();
    void controlsFollowTheRun();
    void parameterEditsSurviveAVisitElsewhere();
    void theFilterCountsItsMatchesAndEscClearsIt();
    void theTimelineGetsTheSpaceOfANarrowWindow();
    void theFilterRingsItsMatchesAndF3WalksThem();
    void statisticsAgreeWithTheStatusBar();
    void modelPassesTheTester();
    void selectionLinksTableAndTimeline();
    void failedCallsShowInTableDetailsAndTimeline();
    void detailsDissectThePickle();
    void exportsParseBack();
    void everyExportKindWritesAFileThatParsesBack();
    void historyModelPassesTheTester();
    void runsAreRemovedAndDroppedOverTheMemoryLimit();
    void panesFollowTheCurrentRunByThemselves();
    void savedEventsShowTheSameMessages();
    void theSequenceReadsLikeAConversation();
    void aRangeOnTheRulerNarrowsTheTableStatisticsAndFindings();
    void theOverviewHasTheWholeRunAndMovesTheView();
    void twoRunsCompareOnOneAxis();
    void lanesCollapseAndMove();
    void aSelectedLabelCoversNoOther();
    void bundleCountsCoverNoLabel();
    void aPinnedLaneBackApartIsNotPinned();
    void pinnedLanesStayInView();
    void docsScreenshots();
    void internalTrafficIsHiddenUntilShown();
    void anOpenErrorNamesThePathOnce();
    void aBigFileShowsWhileItIsRead();
    void renderedTimelineHasArrowsWhereTheyBelong();
    void crashedLaneIsRed();
    void aFileOfManyChannelsOpensInBoundedSpace();
    void aboutNamesTheVersions();
    void aSteadyLabelRepaintsWithoutALayout();
    void aCellIsCutToWhatItsWidthShows();
    void refreshesKeepToAThirdOfTheThread();
    void aLongRunIsTabledThroughAWindow();
    void scrollingPastTheWindowMovesIt();
    void aSortedTableStaysSortedAsTheRunGoesOn();
    void aFilteredTableFollowsTheRun();
    void aChannelFoundInternalLeavesTheTable();
    void aLongLiveTableTakesRowsInBatches();
    void aLiveRunShownAgainIsAtItsEnd();

private:
    QTemporaryDir m_directory;
};

void TestUi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings of the tests, not the user's
    QApplication::setOrganizationName(QStringLiteral("PipeScopeTests"));
    qputenv("PIPESCOPE_WORKER", PIPESCOPE_WORKER_PATH);
}

void TestUi::timeScale_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("width");
    QTest::addColumn<qint64>("t");
    QTest::addColumn<double>("x");
    QTest::newRow("start at left") << qint64(0) << qint64(1000) << 100.0 << qint64(0) << 10.0;
    QTest::newRow("end at right") << qint64(0) << qint64(1000) << 100.0 << qint64(1000) << 110.0;
    QTest::newRow("middle") << qint64(500) << qint64(1500) << 200.0 << qint64(1000) << 110.0;
    QTest::newRow("before the view") << qint64(1000) << qint64(2000) << 100.0 << qint64(0) << -90.0;
    QTest::newRow("seconds") << qint64(0) << qint64(10'000'000'000) << 1000.0
                             << qint64(2'500'000'000) << 260.0;
}

void TestUi::timeScale()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, width);
    QFETCH(qint64, t);
    QFETCH(double, x);
    const TimeScale s{start, end, 10, width};
    QCOMPARE(s.toX(t), x);
    QCOMPARE(s.toTime(x), t);
}

void TestUi::zoomKeepsTheAnchor()
{
    const auto [start, end] = TimeScale::zoomed(0, 1000, 250, 0.5, 1);
    QCOMPARE(start, 125);
    QCOMPARE(end, 625);
    const TimeScale before{0, 1000, 0, 100};
    const TimeScale after{start, end, 0, 100};
    QCOMPARE(after.toX(250), before.toX(250));
    QCOMPARE(TimeScale::zoomed(0, 1000, 500, 0.0001, 100).second -
                 TimeScale::zoomed(0, 1000, 500, 0.0001, 100).first,
             100); // never narrower than the minimum
}

void TestUi::quantitiesReadLikeWords()
{
    QCOMPARE(Quantity::count(1234567), QStringLiteral("1,234,567"));
    QCOMPARE(Quantity::count(-1200), QStringLiteral("-1,200"));
    QCOMPARE(Quantity::count(1, QStringLiteral("message"), QStringLiteral("messages")),
             QStringLiteral("1 message"));
    QCOMPARE(Quantity::count(0, QStringLiteral("message"), QStringLiteral("messages")),
             QStringLiteral("0 messages"));
    QCOMPARE(Quantity::bytes(1), QStringLiteral("1 byte"));
    QCOMPARE(Quantity::bytes(1023), QStringLiteral("1,023 bytes"));
    QCOMPARE(Quantity::bytes(1536), QStringLiteral("1.5 KiB"));
    QCOMPARE(Quantity::bytes(qint64(5) << 20), QStringLiteral("5.0 MiB"));
    QCOMPARE(Quantity::bytes(qint64(3) << 40), QStringLiteral("3.0 TiB"));
    QCOMPARE(Quantity::rate(1234.56, QStringLiteral("msg")), QStringLiteral("1,234.6 msg/s"));
}

void TestUi::coloursCanBeDarkOrLightOrTheDesktops()
{
    const QPalette before = QApplication::palette();
    ColorScheme::apply(ColorScheme::Dark);
    QVERIFY(Theme(QApplication::palette()).isDark());
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    // The timeline's colours follow: a lane's bar still stands out from the dark base.
    const Theme dark(QApplication::palette());
    QVERIFY(Theme::contrast(dark.state(ProcessState::Sleeping), dark.base()) >= 3);
    ColorScheme::apply(ColorScheme::Light);
    QVERIFY(!Theme(QApplication::palette()).isDark());
    ColorScheme::apply(ColorScheme::System);
    QCOMPARE(QApplication::palette().color(QPalette::Base), before.color(QPalette::Base));
    QCOMPARE(QApplication::palette().color(QPalette::Text), before.color(QPalette::Text));
    // The menu offers the three, the applied one checked.
    MainWindow window;
    QMenu* menu = ColorScheme::menu(&window);
    QCOMPARE(menu->actions().size(), 3);
    QVERIFY(menu->actions().at(0)->isChecked());
}

void TestUi::fitShowsTheActivity()
{
    // 0.1 ms of activity after 50 ms of start-up: the view is the activity, with a margin.
    TimeAxis axis;
    axis.setDataStart(50'000'000);
    axis.setDataEnd(50'100'000);
    axis.fit();
    QVERIFY(axis.start() >= 49'990'000 && axis.start() <= 50'000'000);
    QVERIFY(axis.end() >= 50'100'000 && axis.end() <= 50'120'000);
    // Never before 0.
    axis.setDataStart(100);
    axis.setDataEnd(1'000'000);
    axis.fit();
    QCOMPARE(axis.start(), 0);

    // A real run: its first event comes after the children started, and Fit starts there.
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("bytes"), 0, 0)));
    QVERIFY(waitForRun(window));
    const TraceStore* store = window.currentStore();
    const qint64 first = store->firstTime();
    QVERIFY(first > 0);
    window.axis()->fit();
    const qint64 activity = window.axis()->dataEnd() - first;
    QVERIFY2(window.axis()->start() >= first - activity / 10 && window.axis()->start() <= first,
             qPrintable(QStringLiteral("view from %1, activity from %2")
                            .arg(window.axis()->start())
                            .arg(first)));
}

void TestUi::tickSteps_data()
{
    QTest::addColumn<double>("nsPerPixel");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("label");
    QTest::newRow("ns") << 1.0 << qint64(100) << "300 ns";
    QTest::newRow("µs") << 30.0 << qint64(5000) << "15 µs";
    QTest::newRow("ms") << 1e5 << qint64(10'000'000) << "30 ms";
    QTest::newRow("s") << 2e7 << qint64(2'000'000'000) << "6 s";
    QTest::newRow("half ms") << 5e3 << qint64(500'000) << "1.5 ms";
}

void TestUi::tickSteps()
{
    QFETCH(double, nsPerPixel);
    QFETCH(qint64, step);
    QFETCH(QString, label);
    QCOMPARE(TimeScale::tickStep(nsPerPixel, 90), step);
    QCOMPARE(TimeScale::formatTick(3 * step, step), label);
}

void TestUi::runFillsTheTableAndTheTimeline()
{
    MainWindow window;
    window.show();
    QVERIFY(window.gallery()->selectScenario(QStringLiteral("sender-receiver")));
    window.gallery()->applyRequest(request(QStringLiteral("sender-receiver"), 42, 0));
    QAction* run = nullptr;
    for (QAction* action : window.actions()) {
        if (action->text() == QLatin1String("Run"))
            run = action;
    }
    QVERIFY(run);
    QCOMPARE(run->shortcut(), QKeySequence(QStringLiteral("Ctrl+R")));
    QVERIFY(!run->toolTip().isEmpty());
    run->trigger();
    QVERIFY(waitForRun(window));
    QTRY_COMPARE_WITH_TIMEOUT(window.messageModel()->rowCount(), 11, 10000);
    QCOMPARE(window.stateLabel()->text(), QStringLiteral("Finished"));
    const TraceStore* store = window.currentStore();
    QCOMPARE(store->processCount(), 2); // one lane per process
    QCOMPARE(window.timeline()->laneRect(1).top(), window.timeline()->laneRect(0).bottom());
    render(*window.timeline());
    QCOMPARE(window.timeline()->arrowsDrawn(), 11); // one arrow per delivered message
    QCOMPARE(window.messageModel()->index(0, MessageTableModel::Value).data().toString(),
             QStringLiteral("0.6394267984578837"));
    QCOMPARE(window.messageModel()->index(10, MessageTableModel::Value).data().toString(),
             QStringLiteral("None"));
    QVERIFY(window.console()->toPlainText().contains(QLatin1String(">receiver got None")));
    QVERIFY(window.history()->index(0).data().toString().startsWith(
        QLatin1String("#1 sender-receiver (seed 42)")));
    // A scenario that draws no random numbers names no seed.
    QVERIFY(window.startRun(request(QStringLiteral("bytes"), 5, 0)));
    QVERIFY(waitForRun(window));
    const QString bytesRun = window.history()->index(0).data().toString();
    QVERIFY2(bytesRun.startsWith(QLatin1String("#2 bytes")) && !bytesRun.contains(u"seed"),
             qPrintable(bytesRun));
}

void TestUi::stopEndsALongRun()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 1, 1, {{"count", 1000}})));
    QTRY_VERIFY_WITH_TIMEOUT(window.currentStore()->eventCount() > 3, 60000);
    QTest::keyClick(&window, Qt::Key_Escape);
    QVERIFY(waitForRun(window));
    QCOMPARE(window.stateLabel()->text(), QStringLiteral("Stopped"));
    QVERIFY(window.currentRunner()->stopped());
    // Stopped, not crashed: its own state and colour, no problem reported, and the console says
    // what happened.
    const TraceStore* store = window.currentStore();
    for (int p = 0; p < store->processCount(); ++p) {
        QVERIFY(store->process(p).ended);
        if (store->process(p).crashed) // not one that finished on its own before the stop
            QCOMPARE(store->process(p).state, ProcessState::Stopped);
    }
    QVERIFY(window.currentRunner()->problems().isEmpty());
    QVERIFY(window.console()->toPlainText().contains(QLatin1String("the run was stopped")));
    const QImage image = render(*window.timeline());
    const QRectF lane = window.timeline()->laneRect(0);
    const Theme theme(window.timeline()->palette());
    bool stoppedColour = false;
    bool crashedColour = false;
    for (int x = TimelineLayout::kLabelWidth; x < image.width(); ++x) {
        const QColor c = image.pixelColor(x, int(lane.top() + TimelineLayout::kBarTop + 2));
        stoppedColour |= near(c, theme.state(ProcessState::Stopped));
        crashedColour |= near(c, theme.state(ProcessState::Crashed));
    }
    QVERIFY(stoppedColour);
    QVERIFY(!crashedColour);
}

void TestUi::controlsFollowTheRun()
{
    MainWindow window;
    window.show();
    const auto action = [&](const QString& text) -> QAction* {
        for (QAction* candidate : window.actions()) {
            if (candidate->text() == text)
                return candidate;
        }
        return nullptr;
    };
    QAction* run = action(QStringLiteral("Run"));
    QAction* stop = action(QStringLiteral("Stop"));
    QAction* exportEvents = nullptr;
    for (QAction* candidate : window.actions()) {
        if (candidate->text().contains(QLatin1String("events"), Qt::CaseInsensitive) &&
            candidate->shortcut() == QKeySequence(QStringLiteral("Ctrl+Shift+E")))
            exportEvents = candidate;
    }
    QVERIFY(run && stop && exportEvents);
    // Before any run: nothing to stop, nothing to export.
    QVERIFY(run->isEnabled());
    QVERIFY(!stop->isEnabled());
    QVERIFY(!exportEvents->isEnabled());

    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 1, 1, {{"count", 1000}})));
    QTRY_VERIFY_WITH_TIMEOUT(window.currentStore()->eventCount() > 3, 60000);
    QVERIFY(!run->isEnabled());
    QVERIFY(stop->isEnabled());
    QVERIFY(exportEvents->isEnabled());
    // A second run does not start while one goes on.
    QVERIFY(!window.startRun(request(QStringLiteral("pingpong"), 1, 0)));
    QCOMPARE(window.runCount(), 1);

    // Closing mid-run asks; "No" keeps the window and the run.
    QTimer::singleShot(0, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box)
            box->button(QMessageBox::No)->click();
    });
    QVERIFY(!window.close());
    QVERIFY(window.currentRunner()->state() == ScenarioRunner::State::Running);
    // "Yes" stops it and closes.
    QTimer::singleShot(0, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box)
            box->button(QMessageBox::Yes)->click();
    });
    QVERIFY(window.close());
    QVERIFY(waitForRun(window));
    QVERIFY(window.currentRunner()->stopped());
    QVERIFY(run->isEnabled());
    QVERIFY(!stop->isEnabled());
}

void TestUi::theFilterCountsItsMatchesAndEscClearsIt()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
    QVERIFY(waitForRun(window));
    MessagesPane* pane = window.messagesPane();
    QCOMPARE(pane->matchText(), QString());
    pane->focusFilter();
    QTest::keyClicks(pane->filterEdit(), QStringLiteral("nOnE")); // in any case
    QCOMPARE(pane->table()->model()->rowCount(), 1);
    QCOMPARE(pane->matchText(), QStringLiteral("1 of 11 messages"));
    // Any column: every message is on the one channel.
    const QAbstractItemModel* rows = pane->table()->model();
    const QString channel = rows->index(0, MessageTableModel::Channel).data().toString();
    pane->filterEdit()->setText(channel.toUpper());
    QCOMPARE(rows->rowCount(), 11);
    pane->filterEdit()->setText(QStringLiteral("zzz-in-no-cell"));
    QCOMPARE(rows->rowCount(), 0);
    QTest::keyClick(pane->filterEdit(), Qt::Key_Escape);
    QCOMPARE(pane->filterEdit()->text(), QString());
    QCOMPARE(pane->table()->model()->rowCount(), 11);
    QCOMPARE(pane->matchText(), QString());
}

void TestUi::theTimelineGetsTheSpaceOfANarrowWindow()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QDockWidget* scenarios = window.findChild<QDockWidget*>(QStringLiteral("scenarios"));
    QDockWidget* details = window.findChild<QDockWidget*>(QStringLiteral("details"));
    QVERIFY(scenarios && details);
    // The side panels take at most 40% between them (a few pixels of separators aside).
    QTRY_VERIFY_WITH_TIMEOUT(scenarios->width() + details->width() <= window.width() * 2 / 5 + 8,
                             5000);
    QVERIFY(window.timeline()->width() >= window.width() / 2);
    // And they can be closed for more (View > Panels), and come back.
    details->toggleViewAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!details->isVisible(), 5000);
    details->toggleViewAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(details->isVisible(), 5000);
}

void TestUi::theFilterRingsItsMatchesAndF3WalksThem()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
    QVERIFY(waitForRun(window));
    const TraceStore& store = *window.currentStore();
    MessagesPane* pane = window.messagesPane();
    pane->focusFilter();
    QTest::keyClicks(pane->filterEdit(), QStringLiteral("0.6"));
    const int matches = pane->table()->model()->rowCount();
    QVERIFY(matches >= 2 && matches < 11);
    // Ringed on the timeline: each match's send and recv.
    QTRY_COMPARE_WITH_TIMEOUT(window.timeline()->highlighted().size(), size_t(2 * matches), 5000);
    const std::vector<int> matched = pane->matchingMessages(matches);
    for (const qint32 e : window.timeline()->highlighted())
        QVERIFY(std::find(matched.begin(), matched.end(), store.messageOf(e)) != matched.end());
    // F3 and Shift+F3 walk the matches, round from the end; the timeline's selection follows.
    const auto messageAt = [&](int row) { return pane->matchingMessages(matches)[size_t(row)]; };
    QTest::keyClick(&window, Qt::Key_F3);
    QCOMPARE(window.axis()->selectedMessage(), messageAt(0));
    QTest::keyClick(&window, Qt::Key_F3);
    QCOMPARE(window.axis()->selectedMessage(), messageAt(1));
    QTest::keyClick(&window, Qt::Key_F3, Qt::ShiftModifier);
    QTest::keyClick(&window, Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(window.axis()->selectedMessage(), messageAt(matches - 1));
    // No filter, no rings.
    pane->filterEdit()->clear();
    QTRY_VERIFY_WITH_TIMEOUT(window.timeline()->highlighted().empty(), 5000);
}

void TestUi::statisticsAgreeWithTheStatusBar()
{
    MainWindow window;
    window.show();
    // A slow receiver: messages wait in the pipe while the run goes on.
    QVERIFY(window.startRun(request(QStringLiteral("flood"), 0, 1,
                                    {{"count", 100000}, {"size", 64}, {"delay", 0.01}})));
    QTRY_VERIFY_WITH_TIMEOUT(window.currentStore()->messages().size() > 200, 60000);
    // At one refresh, the pane and the status bar read the same store.
    QSignalSpy refreshed(window.currentRun(), &CurrentRun::refreshed);
    QVERIFY(refreshed.wait(5000));
    const QString status = window.rateLabel()->text();
    const QString summary = window.statistics()->summaryText();
    const QRegularExpression count(QStringLiteral("^([0-9,]+) messages · ([0-9,]+) in flight"));
    const QRegularExpressionMatch match = count.match(status);
    QVERIFY2(match.hasMatch(), qPrintable(status));
    QVERIFY2(summary.contains(QStringLiteral("messages: %1\n").arg(match.captured(1))),
             qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("in flight: %1\n").arg(match.captured(2))),
             qPrintable(summary));
    QVERIFY(!summary.contains(QLatin1String("undelivered")));
    window.stopRun();
    QVERIFY(waitForRun(window));
    QVERIFY(window.statistics()->summaryText().contains(QLatin1String("undelivered")));
}

void TestUi::parameterEditsSurviveAVisitElsewhere()
{
    ScenarioGallery gallery;
    QVERIFY(gallery.selectScenario(QStringLiteral("pingpong")));
    auto* threshold = gallery.findChild<QDoubleSpinBox*>(QStringLiteral("threshold"));
    QVERIFY(threshold);
    threshold->setValue(5);
    QVERIFY(gallery.selectScenario(QStringLiteral("flood")));
    QVERIFY(gallery.selectScenario(QStringLiteral("pingpong")));
    QCOMPARE(gallery.request().parameters.value(QStringLiteral("threshold")), 5.0);
    gallery.resetToDefaults();
    QCOMPARE(gallery.request().parameters.value(QStringLiteral("threshold")), 10.0);
    // And the default stays after another visit.
    QVERIFY(gallery.selectScenario(QStringLiteral("flood")));
    QVERIFY(gallery.selectScenario(QStringLiteral("pingpong")));
    QCOMPARE(gallery.request().parameters.value(QStringLiteral("threshold")), 10.0);
}

void TestUi::modelPassesTheTester()
{
    MainWindow window;
    QAbstractItemModelTester tester(window.messageModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0.02)));
    QVERIFY(waitForRun(window));
    QTRY_VERIFY_WITH_TIMEOUT(window.messageModel()->rowCount() > 20, 10000);
    QVERIFY(window.startRun(request(QStringLiteral("fan-in"), 3, 0)));
    QVERIFY(waitForRun(window));
    QCOMPARE(window.messageModel()->rowCount(), int(window.currentStore()->messages().size()));
}

// Dragging over the ruler selects a range: the table keeps the messages sent in it, the
// statistics count them, the findings keep those with an event in it; a click on the ruler
// clears it. Shift+drag measures the time between two points.
void TestUi::aRangeOnTheRulerNarrowsTheTableStatisticsAndFindings()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0.02)));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    const TraceStore& store = *window.currentStore();
    const int all = int(store.messageCount());
    TimelineView* timeline = window.timeline();
    const TimeScale scale = timeline->scale();
    // The middle third of what the run did.
    const qint64 first = store.firstTime();
    const qint64 span = store.activityEnd() - first;
    const QPoint from(int(scale.toX(first + span / 3)), TimelineLayout::kRulerHeight / 2);
    const QPoint to(int(scale.toX(first + 2 * span / 3)), TimelineLayout::kRulerHeight / 2);
    QTest::mousePress(timeline, Qt::LeftButton, {}, from);
    QTest::mouseMove(timeline, (from + to) / 2);
    QTest::mouseMove(timeline, to);
    QTest::mouseRelease(timeline, Qt::LeftButton, {}, to);
    const TimeRange range = window.axis()->selectedRange();
    QVERIFY(!range.empty());
    QVERIFY(std::abs(range.start - scale.toTime(from.x())) <= 1);
    QVERIFY(std::abs(range.end - scale.toTime(to.x())) <= 1);
    int inRange = 0;
    for (const TraceStore::Message& m : store.messages())
        inRange += range.contains(store.startTime(m.sendEvent)) ? 1 : 0;
    QVERIFY2(inRange > 0 && inRange < all, qPrintable(QString::number(inRange)));
    QCOMPARE(window.messageTable()->model()->rowCount(), inRange);
    QCOMPARE(window.statistics()->statistics().messages, inRange);
    QVERIFY(window.statistics()->titleText().contains(QLatin1String(" selected")));
    QVERIFY(window.messagesPane()->matchText().startsWith(QString::number(inRange) +
                                                          QStringLiteral(" of %1").arg(all)));
    // The run's finding (its last message, never received) lies after the range.
    QCOMPARE(window.findings()->model()->rowCount(), 0);

    // A click on the ruler: everything again.
    QTest::mouseClick(timeline, Qt::LeftButton, {}, from);
    QVERIFY(window.axis()->selectedRange().empty());
    QCOMPARE(window.messageTable()->model()->rowCount(), all);
    QCOMPARE(window.statistics()->statistics().messages, all);
    QVERIFY(window.findings()->model()->rowCount() > 0);

    // Shift+drag on a lane: a measure, its length written over the lanes.
    const int y = int(timeline->laneRect(0).center().y());
    const QImage before = render(*timeline);
    QTest::mousePress(timeline, Qt::LeftButton, Qt::ShiftModifier, QPoint(from.x(), y));
    QTest::mouseMove(timeline, QPoint(to.x(), y));
    QTest::mouseRelease(timeline, Qt::LeftButton, Qt::ShiftModifier, QPoint(to.x(), y));
    const QImage measured = render(*timeline);
    QVERIFY(window.axis()->selectedRange().empty()); // a measure is no range
    int changed = 0;
    for (int x = from.x(); x <= to.x(); ++x)
        changed += measured.pixel(x, y) != before.pixel(x, y) ? 1 : 0;
    QVERIFY2(changed > (to.x() - from.x()) / 2, qPrintable(QString::number(changed)));
}

// The overview strip counts every message of the run into its buckets (as many as the store has,
// each where it was sent), and a click on it centres the timeline there at the same zoom.
void TestUi::theOverviewHasTheWholeRunAndMovesTheView()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0.02)));
    QVERIFY(waitForRun(window));
    QApplication::processEvents();
    const TraceStore& store = *window.currentStore();
    OverviewStrip* overview = window.overview();
    QCOMPARE(overview->counted(), store.messageCount());
    QCOMPARE(overview->countIn(0, store.activityEnd() + 1), store.messageCount());
    // Its first half holds the messages sent in it, to a bucket's width.
    const qint64 half = (store.firstTime() + store.activityEnd()) / 2;
    qint64 firstHalf = 0;
    for (const TraceStore::Message& m : store.messages())
        firstHalf += store.startTime(m.sendEvent) < half ? 1 : 0;
    const qint64 counted = overview->countIn(0, half);
    QVERIFY2(std::abs(counted - firstHalf) <= 2,
             qPrintable(QStringLiteral("%1 vs %2").arg(counted).arg(firstHalf)));

    window.axis()->zoom(0.25, window.axis()->start());
    const qint64 span = window.axis()->span();
    const int x = overview->width() * 3 / 4;
    QTest::mouseClick(overview, Qt::LeftButton, {}, QPoint(x, OverviewStrip::kHeight / 2));
    QCOMPARE(window.axis()->span(), span);
    QVERIFY(std::abs((window.axis()->start() + window.axis()->end()) / 2 - overview->timeAt(x)) <=
            1);
    QVERIFY(!window.axis()->followLive());
    // The window is framed where the timeline is.
    const QImage image = render(*overview);
    const QColor frame = window.timeline()->theme().highlight();
    const int left = int(std::round(overview->xOf(window.axis()->start())));
    bool framed = false;
    for (int dx = -2; dx <= 2 && !framed; ++dx)
        framed = near(image.pixelColor(left + dx, OverviewStrip::kHeight / 2), frame);
    QVERIFY(framed);
}

// Two runs one above the other: one time axis for both (a zoom moves both), their statistics
// side by side with the difference; the window goes when one of them is dropped.
void TestUi::twoRunsCompareOnOneAxis()
{
    MainWindow window;
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0)));
    QVERIFY(waitForRun(window));
    Run* first = window.currentRun()->run();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 4, 0)));
    QVERIFY(waitForRun(window));
    Run* second = window.currentRun()->run();
    QPointer<CompareWindow> compare = new CompareWindow(*window.history(), *first, *second);
    compare->show();
    QApplication::processEvents();
    QCOMPARE(compare->timeline(0)->layout().store(), &first->store());
    QCOMPARE(compare->timeline(1)->layout().store(), &second->store());
    compare->axis()->zoom(0.5, compare->axis()->start());
    // Each from its own first event.
    const qint64 firstStart = first->store().firstTime();
    const qint64 secondStart = second->store().firstTime();
    QVERIFY(firstStart != secondStart);
    QCOMPARE(compare->timeline(0)->scale().start - firstStart,
             compare->timeline(1)->scale().start - secondStart);
    QCOMPARE(compare->timeline(0)->scale().end - firstStart,
             compare->timeline(1)->scale().end - secondStart);
    QTableWidget* table = compare->statistics();
    int messagesRow = -1;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == QLatin1String("messages"))
            messagesRow = row;
    }
    QVERIFY(messagesRow >= 0);
    const qint64 a = first->store().messageCount();
    const qint64 b = second->store().messageCount();
    QCOMPARE(table->item(messagesRow, 1)->text(), QString::number(a));
    QCOMPARE(table->item(messagesRow, 2)->text(), QString::number(b));
    QCOMPARE(table->item(messagesRow, 3)->text(),
             a == b ? QStringLiteral("=")
                    : (b > a ? QStringLiteral("+") : QString()) + QString::number(b - a));
    QVERIFY(window.history()->remove(first));
    QTRY_VERIFY(compare.isNull());
}

// A lane's context menu: collapsed, a lane is its name and bar and the lanes below move up (its
// arrows still land on it); moved to the top, it is the first lane here and the first column of
// the Sequence.
void TestUi::lanesCollapseAndMove()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0)));
    QVERIFY(waitForRun(window));
    QApplication::processEvents();
    TimelineView* timeline = window.timeline();
    const TraceStore& store = *window.currentStore();
    const int first = store.processAtRow(0);
    const int second = store.processAtRow(1);
    const double depthTop = timeline->depthRect().top();
    const int height = timeline->sizeHint().height();
    QCOMPARE(timeline->laneAt(timeline->laneRect(first).center()), first);

    timeline->setLaneCollapsed(first, true);
    QCOMPARE(timeline->laneRect(first).height(), double(TimelineLayout::kCollapsedHeight));
    QCOMPARE(timeline->laneRect(second).top(), timeline->laneRect(first).bottom());
    const double saved = TimelineLayout::kLaneHeight - TimelineLayout::kCollapsedHeight;
    QCOMPARE(timeline->depthRect().top(), depthTop - saved);
    QCOMPARE(timeline->sizeHint().height(), height - int(saved));
    QCOMPARE(timeline->laneAt(timeline->laneRect(second).center()), second);
    // The arrows end on the collapsed lane, and are found where they are drawn.
    const int message = 0;
    render(*timeline);
    const QPointF from = timeline->sendPoint(message);
    const QPointF to = timeline->recvPoint(message);
    QVERIFY(timeline->laneRect(first).contains(from) || timeline->laneRect(first).contains(to));
    QCOMPARE(timeline->messageAt((from + to) / 2), message);
    timeline->setLaneCollapsed(first, false);
    QCOMPARE(timeline->laneRect(first).height(), double(TimelineLayout::kLaneHeight));

    Q_EMIT timeline->laneMoveRequested(second, -100);
    QCOMPARE(store.processAtRow(0), second);
    QCOMPARE(store.processAtRow(1), first);
    QVERIFY(timeline->laneRect(second).top() < timeline->laneRect(first).top());
}

void TestUi::aSelectedLabelCoversNoOther()
{
    // Ten values and None sent within microseconds, received together: their arrows nearly
    // coincide, and the selected one's label was written over None's.
    MainWindow window;
    window.resize(1500, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
    QVERIFY(waitForRun(window));
    TimelineView* timeline = window.timeline();
    for (int selected = 0; selected < int(window.currentStore()->messages().size()); ++selected) {
        window.axis()->setSelectedMessage(selected);
        render(*timeline);
        const std::vector<QRectF>& boxes = timeline->labelBoxes();
        QVERIFY(!boxes.empty());
        for (size_t i = 0; i < boxes.size(); ++i) {
            for (size_t j = i + 1; j < boxes.size(); ++j)
                QVERIFY2(!boxes[i].intersects(boxes[j]), qPrintable(QString::number(selected)));
        }
    }
}

void TestUi::bundleCountsCoverNoLabel()
{
    // Thousands of arrows at full zoom-out are bundles with counts (×N); the selected message's
    // label is written first, and no count goes over it or over another count.
    MainWindow window;
    window.resize(1500, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("flood"), 1, 0,
                                    {{QStringLiteral("count"), 3000},
                                     {QStringLiteral("size"), 64},
                                     {QStringLiteral("delay"), 0}})));
    QVERIFY(waitForRun(window));
    TimelineView* timeline = window.timeline();
    for (const int selected : {1, 700, 1500, 2999}) {
        window.axis()->setSelectedMessage(selected);
        window.axis()->fit();
        render(*timeline);
        QVERIFY(timeline->bundlesDrawn() > 0);
        const std::vector<QRectF>& boxes = timeline->labelBoxes();
        QVERIFY2(boxes.size() > 1, "the counts' boxes are among the labels'");
        for (size_t i = 0; i < boxes.size(); ++i) {
            for (size_t j = i + 1; j < boxes.size(); ++j)
                QVERIFY2(!boxes[i].intersects(boxes[j]), qPrintable(QString::number(selected)));
        }
    }
}

void TestUi::aPinnedLaneBackApartIsNotPinned()
{
    // Lane 3 (internal traffic) pinned under lane 0; hidden; lane 0 let go: shown again, lane 3
    // is below lane 0, not in the band, and says so.
    TraceStore store;
    for (int p = 0; p < 4; ++p)
        store.addProcess(QStringLiteral("p%1").arg(p), QStringLiteral("role"));
    store.setInternal(3, true);
    store.setInternalShown(true);
    TimeAxis axis;
    TimelineView view(axis);
    view.resize(800, 600);
    view.setStore(&store, false);
    connect(&view, &TimelineView::laneMoveRequested, &view,
            [&store](int process, int steps) { store.moveLane(process, steps); });
    view.setLanePinned(0, true);
    view.setLanePinned(3, true);
    QCOMPARE(store.processAtRow(1), 3);
    QVERIFY(view.lanePinned(3));
    store.setInternalShown(false);
    view.setLanePinned(0, false);
    QVERIFY(!view.lanePinned(0));
    store.setInternalShown(true);
    QCOMPARE(store.processAtRow(0), 0);
    QCOMPARE(store.processAtRow(1), 3);
    QCOMPARE(view.stickyHeight(), double(TimelineLayout::kRulerHeight));
    QVERIFY(!view.lanePinned(3));
    // Painted so, the stray pin is let go: lane 0 moved away by the store itself (not by the
    // view's menu) does not bring lane 3 into a band.
    view.grab();
    store.moveLane(0, 1);
    QCOMPARE(store.processAtRow(0), 3);
    QVERIFY(!view.lanePinned(3));
    store.moveLane(3, 1);
    QCOMPARE(store.processAtRow(0), 0);
    // Lane 0 moved down by its menu: lane 3 comes to the top, and does not rejoin a band unasked.
    const auto trigger = [&view](int process, const QString& text) {
        const std::unique_ptr<QMenu> menu = view.laneMenu(process);
        for (QAction* action : menu->actions()) {
            if (action->text() == text && action->isEnabled())
                return action->trigger(), true;
        }
        return false;
    };
    QVERIFY(trigger(0, QStringLiteral("Move down")));
    QCOMPARE(store.processAtRow(0), 3);
    QVERIFY(!view.lanePinned(3));
    QCOMPARE(view.stickyHeight(), double(TimelineLayout::kRulerHeight));
    QVERIFY(trigger(3, QStringLiteral("Pin to top")));
    QVERIFY(view.lanePinned(3));
    QVERIFY(trigger(3, QStringLiteral("Unpin lane")));
    QVERIFY(trigger(3, QStringLiteral("Move down")));
    QCOMPARE(store.processAtRow(0), 0);
    // Pinned again, it goes to the top, alone in the band.
    view.setLanePinned(3, true);
    QCOMPARE(store.processAtRow(0), 3);
    QVERIFY(view.lanePinned(3));
    QCOMPARE(view.stickyHeight(), view.laneRect(3).bottom());
}

void TestUi::pinnedLanesStayInView()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(
        request(QStringLiteral("fan-in"), 3, 0, {{QStringLiteral("producers"), 16}})));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    TimelineView* timeline = window.timeline();
    auto* scroll = qobject_cast<QScrollArea*>(timeline->parentWidget()->parentWidget());
    QVERIFY(scroll);
    const TraceStore& store = *window.currentStore();
    const int last = store.processAtRow(store.rowCount() - 1);
    const int before = store.processAtRow(store.rowCount() - 2);
    QCOMPARE(timeline->stickyHeight(), double(TimelineLayout::kRulerHeight));

    // Pinned: moved to the top, the band grows by its lane; a second one goes under it.
    timeline->setLanePinned(last, true);
    QCOMPARE(store.processAtRow(0), last);
    QCOMPARE(timeline->stickyHeight(), timeline->laneRect(last).bottom());
    timeline->setLanePinned(before, true);
    QCOMPARE(store.processAtRow(0), last);
    QCOMPARE(store.processAtRow(1), before);
    QCOMPARE(timeline->stickyHeight(), timeline->laneRect(before).bottom());

    // Scrolled to the bottom: the band is painted where the view begins and answers there as
    // the pinned lanes; below it, the lanes scrolled there answer as themselves.
    scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
    QApplication::processEvents();
    const int top = timeline->visibleTop();
    QVERIFY(top > timeline->laneRect(before).bottom());
    const auto onBand = [&](int process) {
        return QPointF(timeline->laneRect(process).center().x(),
                       top + timeline->laneRect(process).center().y());
    };
    QCOMPARE(timeline->laneAt(onBand(last)), last);
    QCOMPARE(timeline->laneAt(onBand(before)), before);
    const double belowBand = top + timeline->stickyHeight() + 4;
    const int under = timeline->laneAt(QPointF(10, belowBand));
    QVERIFY(under >= 0);
    QVERIFY(store.rowOf(under) > 1);
    // What is shown at the top is the band: the ruler's and the pinned lanes' labels, as the
    // unscrolled view has them at its top.
    const QRect band(0, 0, TimelineLayout::kLabelWidth, int(timeline->stickyHeight()) - 1);
    const QImage shown = scroll->viewport()->grab(band).toImage();
    scroll->verticalScrollBar()->setValue(0);
    QApplication::processEvents();
    QCOMPARE(scroll->viewport()->grab(band).toImage(), shown);

    // Let go: the first one goes right under the one still pinned, which stays in view alone.
    timeline->setLanePinned(last, false);
    QCOMPARE(store.processAtRow(0), before);
    QCOMPARE(store.processAtRow(1), last);
    QCOMPARE(timeline->stickyHeight(), timeline->laneRect(before).bottom());
    timeline->setLanePinned(before, false);
    QCOMPARE(timeline->stickyHeight(), double(TimelineLayout::kRulerHeight));
    scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
    QApplication::processEvents();
    QVERIFY(timeline->laneAt(onBand(before)) != before);
}

// The window as the docs and the notes show it, saved in $PIPESCOPE_SCREENSHOT_DIR (skipped
// without it): scripts/screenshots makes them.
void TestUi::docsScreenshots()
{
    const QString directory = qEnvironmentVariable("PIPESCOPE_SCREENSHOT_DIR");
    if (directory.isEmpty())
        QSKIP("PIPESCOPE_SCREENSHOT_DIR is not set");
    const auto save = [&](QWidget& widget, const char* name) {
        QApplication::processEvents();
        const QString path = directory + QLatin1Char('/') + QLatin1String(name);
        QVERIFY2(widget.grab().save(path), qPrintable(path));
    };
    const auto tab = [](QWidget* page) {
        qobject_cast<QTabWidget*>(page->parentWidget()->parentWidget())->setCurrentWidget(page);
    };
    {
        MainWindow window;
        window.resize(1500, 900);
        window.show();
        QVERIFY(window.startRun(request(QStringLiteral("bytes"), 7, 0)));
        QVERIFY(waitForRun(window));
        QVERIFY(waitForFindings(window));
        save(window, "bytes-errors.png");
        QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
        QVERIFY(waitForRun(window));
        tab(window.sequence());
        save(window, "sequence-pingpong.png");
        tab(window.messagesPane());
        QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 3, 0.02)));
        QVERIFY(waitForRun(window));
        const TraceStore& store = *window.currentStore();
        const qint64 span = store.activityEnd() - store.firstTime();
        window.axis()->setSelectedRange(
            {store.firstTime() + span / 3, store.firstTime() + 2 * span / 3});
        save(window, "range.png");
        window.axis()->setSelectedRange({});
        Run* first = window.history()->run(1);
        Run* second = window.history()->run(0);
        CompareWindow compare(*window.history(), *first, *second);
        compare.show();
        save(compare, "compare.png");
    }
    {
        MainWindow window;
        window.resize(1500, 900);
        window.show();
        QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
        QVERIFY(waitForRun(window));
        window.messageTable()->selectRow(0);
        save(window, "details-pickle.png");
    }
    {
        ColorScheme::apply(ColorScheme::Dark);
        MainWindow window;
        window.resize(1500, 900);
        window.show();
        QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
        QVERIFY(waitForRun(window));
        save(window, "dark.png");
        ColorScheme::apply(ColorScheme::System);
    }
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
        QVERIFY(waitForRun(window));
        save(window, "window-1024x700.png");
    }
}

void TestUi::selectionLinksTableAndTimeline()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0.05)));
    QVERIFY(waitForRun(window));
    QTRY_COMPARE_WITH_TIMEOUT(window.messageModel()->rowCount(), 11, 10000);
    // Table -> timeline and details.
    QTableView* table = window.messageTable();
    table->selectRow(4);
    QCOMPARE(window.axis()->selectedMessage(), 4);
    QVERIFY(window.details()->toPlainText().contains(QLatin1String("0.7364712141640124")));
    // Timeline -> table: click on the middle of message 7's arrow.
    render(*window.timeline());
    const QPointF middle = (window.timeline()->sendPoint(7) + window.timeline()->recvPoint(7)) / 2;
    QCOMPARE(window.timeline()->messageAt(middle), 7);
    QTest::mouseClick(window.timeline(), Qt::LeftButton, {}, middle.toPoint());
    QCOMPARE(window.axis()->selectedMessage(), 7);
    QCOMPARE(table->currentIndex().row(), 7);
}

void TestUi::failedCallsShowInTableDetailsAndTimeline()
{
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("bytes"), 0, 0)));
    QVERIFY(waitForRun(window));
    QTRY_COMPARE_WITH_TIMEOUT(window.messageModel()->rowCount(), 7, 10000);
    // The table: the message recv_bytes_into() raised for, and the one recv_bytes() refused.
    const auto received = [&](int row) {
        return window.messageModel()
            ->index(row, MessageTableModel::Received)
            .data(Qt::DisplayRole)
            .toString();
    };
    QVERIFY2(received(4).endsWith(QStringLiteral(" · BufferTooShort")), qPrintable(received(4)));
    QCOMPARE(received(6), QStringLiteral("refused: OSError"));
    QVERIFY(!received(5).contains(u'·'));
    // Details say what was raised.
    window.messageTable()->selectRow(6);
    QVERIFY2(window.details()->toPlainText().contains(
                 QLatin1String("raised\nOSError: bad message length in receiver")),
             qPrintable(window.details()->toPlainText()));
    // The timeline: a mark under the receiver's bar, whose tooltip is the exception.
    const TraceStore& store = *window.currentStore();
    const qint32 error = store.errorOf(store.messages()[6]);
    window.axis()->setRange(store.time(error) - 50'000, store.time(error) + 50'000);
    render(*window.timeline());
    const QRectF bar = window.timeline()->layout().barRect(1);
    const QPointF mark(window.timeline()->scale().toX(store.time(error)), bar.bottom() + 4);
    QVERIFY2(
        window.timeline()->tooltipAt(mark).endsWith(QLatin1String("OSError: bad message length")),
        qPrintable(window.timeline()->tooltipAt(mark)));
}

void TestUi::detailsDissectThePickle()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
    QVERIFY(waitForRun(window));
    window.messageTable()->selectRow(0);
    const QString text = window.details()->toPlainText();
    // pickletools.dis()'s lines for pickle.dumps(0.6394267984578837) as multiprocessing sends it.
    for (const char* line : {"    0: \\x80 PROTO      4", "    2: \\x95 FRAME      10",
                             "   11: G    BINFLOAT   0.6394267984578837", "   20: .    STOP"})
        QVERIFY2(text.contains(QLatin1String(line)), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("0000  00 00 00 15 80 04 95 0a")), qPrintable(text));
    // An opcode clicked is marked (no longer a link); the others stay links.
    QVERIFY(window.details()->toHtml().contains(QLatin1String("op:2")));
    Q_EMIT window.details()->anchorClicked(QUrl(QStringLiteral("op:2")));
    QVERIFY(!window.details()->toHtml().contains(QLatin1String("op:2")));
    QVERIFY(window.details()->toHtml().contains(QLatin1String("op:1")));

    // A byte message read back from a saved run (which does not say which API sent it) is no
    // pickle: no listing.
    MainWindow reopened;
    QVERIFY(reopened.startRun(request(QStringLiteral("bytes"), 0, 0)));
    QVERIFY(waitForRun(reopened));
    const QString path = m_directory.filePath(QStringLiteral("bytes-run.jsonl"));
    QVERIFY(EventsJsonWriter::writeFile(*reopened.currentStore(), path).ok());
    QVERIFY(reopened.openEvents(path));
    QTRY_COMPARE_WITH_TIMEOUT(reopened.messageModel()->rowCount(), 7, 10000);
    reopened.messageTable()->selectRow(0);
    QVERIFY(reopened.details()->toPlainText().contains(QLatin1String("0123456789")));
    QVERIFY(!reopened.details()->toPlainText().contains(QLatin1String("Pickle")));
}

void TestUi::exportsParseBack()
{
    MainWindow window;
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
    QVERIFY(waitForRun(window));
    const TraceStore& store = *window.currentStore();
    const QString trace = m_directory.filePath(QStringLiteral("t.json"));
    const QString csv = m_directory.filePath(QStringLiteral("m.csv"));
    const QString png = m_directory.filePath(QStringLiteral("t.png"));
    QVERIFY(ChromeTraceWriter::writeFile(store, trace).ok());
    QVERIFY(MessagesCsvWriter::writeFile(store, csv).ok());
    QVERIFY(window.timeline()->grab().save(png, "PNG"));
    QFile traceFile(trace);
    QVERIFY(traceFile.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(traceFile.readAll())
                .object()
                .contains(QStringLiteral("traceEvents")));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    QCOMPARE(csvFile.readAll().count('\n'), 1 + 29);
    QVERIFY(!QImage(png).isNull());
}

void TestUi::everyExportKindWritesAFileThatParsesBack()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
    QVERIFY(waitForRun(window));
    const TraceStore& store = *window.currentStore();
    QStringList suffixes;
    for (const RunExport& kind : window.exports()) {
        suffixes.append(kind.suffix);
        QVERIFY2(kind.filter.contains(QLatin1Char('*') + kind.suffix), qPrintable(kind.filter));
        QVERIFY(std::any_of(window.actions().cbegin(), window.actions().cend(),
                            [&](const QAction* a) { return a->text() == kind.kind; }));
        const QString path = m_directory.filePath(QStringLiteral("export") + kind.suffix);
        QVERIFY2(kind.write(store, path).ok(), qPrintable(kind.kind));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        if (kind.suffix == QLatin1String(".json")) {
            QVERIFY(
                QJsonDocument::fromJson(written).object().contains(QStringLiteral("traceEvents")));
        } else if (kind.suffix == QLatin1String(".jsonl")) {
            auto read = EventsJsonReader::readFile(path);
            QVERIFY(read.ok());
            QCOMPARE((*read)->eventCount(), store.eventCount());
            QCOMPARE((*read)->messages().size(), store.messages().size());
        } else if (kind.suffix == QLatin1String(".csv")) {
            QCOMPARE(written.count('\n'), qsizetype(1 + store.messages().size()));
        } else {
            QCOMPARE(kind.suffix, QStringLiteral(".png"));
            const QImage image = QImage::fromData(written, "PNG");
            QVERIFY(!image.isNull());
            QCOMPARE(image.text(QStringLiteral("Software")),
                     QStringLiteral("PipeScope " PIPESCOPE_EXPECTED_VERSION));
        }
    }
    QCOMPARE(suffixes, QStringList({QStringLiteral(".json"), QStringLiteral(".jsonl"),
                                    QStringLiteral(".csv"), QStringLiteral(".png")}));
}

// Remove Run drops the run on show and frees it (the next one is shown); a live run stays; over
// the history's memory limit the oldest finished runs go, and a last row says so.
void TestUi::runsAreRemovedAndDroppedOverTheMemoryLimit()
{
    MainWindow window;
    QAbstractItemModelTester tester(window.history(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (quint64 seed = 1; seed <= 3; ++seed) {
        QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), seed, 0)));
        QVERIFY(waitForRun(window));
    }
    QCOMPARE(window.runCount(), 3);
    const QList<QAction*> listActions = window.gallery()->history()->actions();
    QCOMPARE(listActions.size(), 2); // Remove Run, Compare Runs…
    QAction* remove = listActions.front();
    QCOMPARE(listActions.back()->text(), QStringLiteral("Compare Runs…"));
    QCOMPARE(remove->shortcut(), QKeySequence(QKeySequence::Delete));
    QTRY_VERIFY(remove->isEnabled()); // once the run's end has been taken in (queued)

    const QPointer<Run> newest = window.history()->run(0);
    Run* middle = window.history()->run(1);
    QCOMPARE(window.currentRun()->run(), newest.data());
    remove->trigger();
    QVERIFY(newest.isNull()); // freed, not only hidden
    QCOMPARE(window.runCount(), 2);
    QCOMPARE(window.currentRun()->run(), middle);
    QCOMPARE(window.gallery()->history()->currentIndex().row(), 0);

    // A live run is not removed.
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 4, 1, {{"count", 1000}})));
    Run* live = window.currentRun()->run();
    QVERIFY(!remove->isEnabled());
    QVERIFY(!window.history()->remove(live));
    QCOMPARE(window.runCount(), 3);
    window.stopRun();
    QVERIFY(waitForRun(window));
    QTRY_VERIFY(remove->isEnabled()); // once the run's end has been taken in (queued)

    // A limit below what the process uses drops every finished run but the one on show.
    window.history()->setMemoryLimit(1);
    window.history()->enforceMemoryLimit(window.currentRun()->run());
    QCOMPARE(window.runCount(), 1);
    QCOMPARE(window.history()->droppedCount(), 2);
    QCOMPARE(window.history()->rowCount(), 2);
    QCOMPARE(window.history()->run(0), live);
    const QModelIndex note = window.history()->index(1);
    QCOMPARE(note.data().toString(), QStringLiteral("2 older runs dropped: over the memory limit"));
    QVERIFY(!(note.flags() & Qt::ItemIsSelectable));
    QVERIFY(!window.history()->run(1));
    window.history()->setMemoryLimit(0);
}

void TestUi::historyModelPassesTheTester()
{
    MainWindow window;
    QAbstractItemModelTester tester(window.history(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(window.runCount(), 0);
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 42, 0)));
    Run* first = window.currentRun()->run();
    QCOMPARE(window.history()->run(0), first);
    QCOMPARE(window.history()->index(0).data().toString(),
             QStringLiteral("#1 sender-receiver (seed 42)"));
    QVERIFY(window.history()->index(0).data(Qt::ToolTipRole).toString().contains(u"seed 42"));
    QSignalSpy changed(window.history(), &QAbstractItemModel::dataChanged);
    QVERIFY(waitForRun(window));
    QCOMPARE(changed.size(), 1); // its outcome
    QVERIFY(window.history()->index(0).data().toString().startsWith(
        QStringLiteral("#1 sender-receiver (seed 42) — finished, ")));
    const QString path = m_directory.filePath(QStringLiteral("history.jsonl"));
    QVERIFY(EventsJsonWriter::writeFile(first->store(), path).ok());
    QVERIFY(window.openEvents(path));
    // Newest first, and the new run is the one on show and selected.
    QCOMPARE(window.runCount(), 2);
    QCOMPARE(window.history()->run(1), first);
    QCOMPARE(window.history()->rowOf(first), 1);
    QCOMPARE(window.history()->index(0).data().toString(),
             QStringLiteral("#2 history.jsonl (file)"));
    QCOMPARE(window.currentRun()->run(), window.history()->run(0));
    QCOMPARE(window.gallery()->history()->currentIndex().row(), 0);
    QVERIFY(!window.currentRunner());            // a file has no runner
    QVERIFY(!window.currentRun()->refreshing()); // nor a clock
    // Selecting a row shows that run.
    window.gallery()->history()->setCurrentIndex(window.history()->index(1));
    QCOMPARE(window.currentRun()->run(), first);
    QCOMPARE(window.currentRunner(), first->runner());
    QVERIFY(!window.history()->run(2));
}

void TestUi::panesFollowTheCurrentRunByThemselves()
{
    // The panes on their own, with no window: they follow a CurrentRun.
    RunHistoryModel history;
    CurrentRun current(history);
    MessageTableModel messages;
    ConsoleView console;
    StatisticsPane statistics;
    DetailsPane details;
    TimeAxis axis;
    TimelineView timeline(axis);
    messages.watch(current);
    console.watch(current);
    statistics.watch(current);
    details.watch(current);
    connect(&current, &CurrentRun::changed, &timeline,
            [&](Run* run) { timeline.setStore(run ? &run->store() : nullptr, true); });
    QSignalSpy refreshed(&current, &CurrentRun::refreshed);
    QSignalSpy ended(&current, &CurrentRun::ended);

    auto settings = ScenarioCatalog::resolve(request(QStringLiteral("sender-receiver"), 42, 0.05));
    QVERIFY(settings.ok());
    auto started = Run::start(*settings, history.nextNumber());
    QVERIFY(started.ok());
    Run* run = history.add(std::move(*started));
    current.setRun(run);
    QCOMPARE(current.store(), &run->store());
    QVERIFY(current.refreshing());
    // Telemetry is read by the event loop: nothing has arrived yet.
    QCOMPARE(messages.rowCount(), 0);
    QVERIFY(ended.wait(120000));
    QCOMPARE(ended.size(), 1);
    QVERIFY(!current.refreshing());
    QVERIFY(refreshed.size() >= 2); // on show, on the timer while live, and at the end
    QCOMPARE(messages.rowCount(), 11);
    QVERIFY(console.toPlainText().contains(QLatin1String(">receiver got None")));
    QCOMPARE(statistics.statistics().messages, qint64(11));
    // The details pane redraws the selected message on each refresh and lets go with its run.
    details.showMessage(4);
    QVERIFY(details.toPlainText().contains(QLatin1String("0.7364712141640124")));
    current.setRun(nullptr);
    QCOMPARE(messages.rowCount(), 0);
    QCOMPARE(details.message(), -1);
    QVERIFY(console.toPlainText().isEmpty());
}

void TestUi::savedEventsShowTheSameMessages()
{
    MainWindow window;
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
    QVERIFY(waitForRun(window));
    const QString path = m_directory.filePath(QStringLiteral("run.jsonl"));
    QVERIFY(EventsJsonWriter::writeFile(*window.currentStore(), path).ok());
    QStringList before;
    for (int row = 0; row < window.messageModel()->rowCount(); ++row)
        before.append(
            window.messageModel()->index(row, MessageTableModel::Value).data().toString() +
            window.messageModel()->index(row, MessageTableModel::Received).data().toString());
    QVERIFY(window.openEvents(path));
    QCOMPARE(window.runCount(), 2);
    QStringList after;
    for (int row = 0; row < window.messageModel()->rowCount(); ++row)
        after.append(
            window.messageModel()->index(row, MessageTableModel::Value).data().toString() +
            window.messageModel()->index(row, MessageTableModel::Received).data().toString());
    QCOMPARE(after, before);
    QCOMPARE(window.currentStore()->undeliveredCount(), 1);
}

// The Sequence tab: a row per message in the order they were sent, each an arrow from its
// sender's column to its receiver's in its channel's colour, the undelivered last one with a cross;
// a click selects the message everywhere, and a message selected elsewhere is scrolled to.
void TestUi::theSequenceReadsLikeAConversation()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0)));
    QVERIFY(waitForRun(window));
    QApplication::processEvents();
    const TraceStore& store = *window.currentStore();
    SequenceView* sequence = window.sequence();
    // Off screen it does nothing; on screen it has every message.
    QCOMPARE(sequence->rowCount(), 0);
    qobject_cast<QTabWidget*>(sequence->parentWidget()->parentWidget())->setCurrentWidget(sequence);
    QApplication::processEvents();
    QCOMPARE(qsizetype(sequence->rowCount()), store.messageCount());
    qint64 previous = -1;
    for (int row = 0; row < sequence->rowCount(); ++row) {
        const TraceStore::Message& m = store.messages()[size_t(sequence->messageAtRow(row))];
        QVERIFY(m.sendEvent >= 0);
        QVERIFY(store.startTime(m.sendEvent) >= previous);
        previous = store.startTime(m.sendEvent);
    }
    // The last row is the one undelivered message (the ping-pong ends with it).
    const TraceStore::Message& lastMessage =
        store.messages()[size_t(sequence->messageAtRow(sequence->rowCount() - 1))];
    QCOMPARE(lastMessage.recvEvent, -1);

    const QImage image = sequence->viewport()->grab().toImage();
    if (const QByteArray dir = qgetenv("PIPESCOPE_TEST_PNG_DIR"); !dir.isEmpty())
        image.save(QString::fromLocal8Bit(dir) + QStringLiteral("/sequence.png"));
    // Row 0's arrow runs between the two players' columns in its channel's colour.
    const TraceStore::Message& first = store.messages()[size_t(sequence->messageAtRow(0))];
    const QColor colour = window.timeline()->theme().channel(store.channel(first.channel).ordinal);
    const int y = SequenceView::kHeaderHeight + SequenceView::kRowHeight - 7;
    const int middle = (SequenceView::kTimeWidth + image.width()) / 2;
    // (Antialiased: the hue, not the exact colour.)
    bool found = false;
    for (int dy = -1; dy <= 1 && !found; ++dy) {
        const QColor pixel = image.pixelColor(middle, y + dy);
        found = pixel.hsvSaturationF() > 0.3 && std::abs(pixel.hsvHue() - colour.hsvHue()) < 12;
    }
    QVERIFY2(found, qPrintable(image.pixelColor(middle, y).name()));

    // A click on a row selects its message: the table and the timeline follow.
    const int row = 3;
    QTest::mouseClick(sequence->viewport(), Qt::LeftButton, {},
                      QPoint(middle, SequenceView::kHeaderHeight + row * SequenceView::kRowHeight +
                                         SequenceView::kRowHeight / 2));
    QCOMPARE(window.axis()->selectedMessage(), sequence->messageAtRow(row));
    const QModelIndex current = window.messageTable()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(messageOfRow(*window.messageTable(), current), sequence->messageAtRow(row));
    QCOMPARE(sequence->messageAt(
                 QPoint(middle, SequenceView::kHeaderHeight + row * SequenceView::kRowHeight + 3)),
             sequence->messageAtRow(row));
}

// A traced program's run keeps what multiprocessing did for itself (a helper process, an authkey
// challenge), hidden until View > Show Internal Traffic shows it: lanes, table rows and counts
// follow the toggle, which is remembered.
void TestUi::internalTrafficIsHiddenUntilShown()
{
    const QString path = m_directory.filePath(QStringLiteral("internal.jsonl"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"t_ns":1,"process":"MainProcess","kind":"state","state":"running","pid":10}
{"t_ns":1,"process":"forkserver","kind":"state","state":"running","pid":11,"internal":true}
{"t_ns":2,"process":"Process-1","kind":"state","state":"running","pid":12}
{"t_ns":10,"process":"MainProcess","kind":"send","pid":10,"channel":"Pipe#1 handshake MainProcess->Process-1","channel_internal":true,"seq":0,"bytes":20,"value":"b'#CHALLENGE#'","start_ns":10}
{"t_ns":20,"process":"Process-1","kind":"recv","pid":12,"channel":"Pipe#1 handshake MainProcess->Process-1","channel_internal":true,"seq":0,"bytes":20,"value":"b'#CHALLENGE#'","start_ns":12}
{"t_ns":30,"process":"MainProcess","kind":"send","pid":10,"channel":"Pipe#1 MainProcess->Process-1","seq":0,"bytes":20,"value":"'hello'","start_ns":30}
{"t_ns":40,"process":"Process-1","kind":"recv","pid":12,"channel":"Pipe#1 MainProcess->Process-1","seq":0,"bytes":20,"value":"'hello'","start_ns":32}
)");
    }
    MainWindow window;
    QAction* toggle = nullptr;
    for (QAction* action : window.actions()) {
        if (action->text() == QLatin1String("Show Internal Traffic"))
            toggle = action;
    }
    QVERIFY(toggle && toggle->isCheckable());
    QVERIFY(!toggle->isChecked());
    QVERIFY(window.openEvents(path));
    QVERIFY(!window.currentRun()->run()->live()); // read whole at once
    const TraceStore& store = *window.currentStore();
    QCOMPARE(store.processCount(), 3);
    QCOMPARE(store.rowCount(), 2);
    QCOMPARE(window.messageTable()->model()->rowCount(), 1);
    QVERIFY2(window.rateLabel()->text().startsWith(QLatin1String("1 message ")),
             qPrintable(window.rateLabel()->text()));
    const int hiddenHeight = window.timeline()->sizeHint().height();

    toggle->setChecked(true);
    QCOMPARE(window.currentStore(), &store);
    QCOMPARE(store.rowCount(), 3);
    QCOMPARE(window.messageTable()->model()->rowCount(), 2);
    QCOMPARE(window.messageTable()->model()->index(0, MessageTableModel::Value).data().toString(),
             QStringLiteral("b'#CHALLENGE#'"));
    QVERIFY2(window.rateLabel()->text().startsWith(QLatin1String("2 messages ")),
             qPrintable(window.rateLabel()->text()));
    QVERIFY(window.statistics()->summaryText().startsWith(QLatin1String("messages: 2\n")));
    QCOMPARE(window.timeline()->sizeHint().height(), hiddenHeight + TimelineLayout::kLaneHeight);
    QVERIFY(QSettings().value(QLatin1String(InternalTrafficToggle::kSettingsKey)).toBool());

    // A run opened now follows the toggle as it is.
    QVERIFY(window.openEvents(path));
    QVERIFY(!window.currentRun()->run()->live()); // read whole at once
    QCOMPARE(window.currentStore()->rowCount(), 3);

    toggle->setChecked(false);
    QCOMPARE(window.currentStore()->rowCount(), 2);
    QCOMPARE(store.rowCount(), 2);
    QCOMPARE(window.messageTable()->model()->rowCount(), 1);
    QVERIFY(!QSettings().value(QLatin1String(InternalTrafficToggle::kSettingsKey)).toBool());
}

// A file too big to read at once shows at once and grows: the run is live while the file is read
// (the views refresh by themselves), Stop (Esc) ends the reading and keeps what was read; read to
// the end, it has every event; a bad line further on ends the reading with the line's error.
void TestUi::aBigFileShowsWhileItIsRead()
{
    const QString path = m_directory.filePath(QStringLiteral("big.jsonl"));
    constexpr int kMessages = 150'000;
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"t_ns\":1,\"process\":\"a\",\"kind\":\"state\",\"state\":\"running\"}\n"
                   "{\"t_ns\":1,\"process\":\"b\",\"kind\":\"state\",\"state\":\"running\"}\n");
        for (int i = 0; i < kMessages; ++i) {
            const QByteArray seq = QByteArray::number(i);
            const QByteArray t = QByteArray::number(10 + 2 * qint64(i));
            file.write("{\"t_ns\":" + t +
                       ",\"process\":\"a\",\"kind\":\"send\",\"channel\":"
                       "\"a->b\",\"seq\":" +
                       seq + ",\"bytes\":64,\"value\":\"message number " + seq +
                       " with a value long enough to look real\",\"start_ns\":" + t + "}\n");
            file.write("{\"t_ns\":" + t +
                       ",\"process\":\"b\",\"kind\":\"recv\",\"channel\":"
                       "\"a->b\",\"seq\":" +
                       seq + ",\"bytes\":64,\"value\":\"message number " + seq +
                       " with a value long enough to look real\",\"start_ns\":" + t + "}\n");
        }
    }
    constexpr qsizetype kEvents = 2 + 2 * qsizetype(kMessages);
    MainWindow window;
    QVERIFY(window.openEvents(path));
    Run* run = window.currentRun()->run();
    QVERIFY(run->live());
    QVERIFY(window.currentRun()->refreshing());
    const qsizetype first = run->store().eventCount();
    QVERIFY(first > 0 && first < kEvents);
    QTRY_VERIFY(run->store().eventCount() > first);
    QVERIFY(window.stateLabel()->text().startsWith(QLatin1String("Reading the file: ")));
    window.stopRun();
    QVERIFY(!run->live());
    QVERIFY(!run->succeeded());
    QVERIFY(run->store().eventCount() < kEvents);
    QVERIFY2(run->historyText().contains(QLatin1String("stopped at")),
             qPrintable(run->historyText()));

    QVERIFY(window.openEvents(path));
    QVERIFY(waitForRun(window));
    const Run* whole = window.currentRun()->run();
    QVERIFY(whole != run && whole->succeeded());
    QCOMPARE(whole->store().eventCount(), kEvents);
    QCOMPARE(whole->store().messages().size(), size_t(kMessages));
    QCOMPARE(whole->dataEndNs(), 10 + 2 * qint64(kMessages - 1));

    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::Append));
        file.write("this is not JSON\n");
    }
    QVERIFY(window.openEvents(path));
    QVERIFY(waitForRun(window));
    const Run* cut = window.currentRun()->run();
    QVERIFY(!cut->succeeded());
    QCOMPARE(cut->store().eventCount(), kEvents);
    QVERIFY2(window.stateLabel()->text().contains(
                 QStringLiteral("then line %1: not JSON").arg(kEvents + 1)),
             qPrintable(window.stateLabel()->text()));
}

void TestUi::anOpenErrorNamesThePathOnce()
{
    MainWindow window;
    const QString path = m_directory.filePath(QStringLiteral("not-events.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not json\n");
    file.close();
    QVERIFY(!window.openEvents(path));
    const QString text = window.stateLabel()->text();
    QVERIFY2(text.startsWith(QStringLiteral("Cannot open ") + path + QStringLiteral(": line 1: ")),
             qPrintable(text));
    QCOMPARE(text.count(path), 1);
    QVERIFY(!window.openEvents(m_directory.filePath(QStringLiteral("absent.jsonl"))));
    QCOMPARE(window.stateLabel()->text().count(QStringLiteral("absent.jsonl")), 1);
}

void TestUi::renderedTimelineHasArrowsWhereTheyBelong()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("pingpong"), 7, 0.05)));
    QVERIFY(waitForRun(window));
    const QImage image = render(*window.timeline());
    const TimelineView* timeline = window.timeline();
    int checked = 0;
    for (int m = 0; m < int(window.currentStore()->messages().size()); ++m) {
        const TraceStore::Message& message = window.currentStore()->messages()[size_t(m)];
        if (message.recvEvent < 0)
            continue;
        const QPointF from = timeline->sendPoint(m);
        const QPointF to = timeline->recvPoint(m);
        // The arrow's ends as painted: the send dot, and just inside the head's tip.
        const double direction = to.y() > from.y() ? 1 : -1;
        const QPoint dot = from.toPoint();
        const QPoint head = QPointF(to.x(), to.y() - 2 * direction).toPoint();
        const QColor background = window.timeline()->palette().color(QPalette::Base);
        QVERIFY2(!near(image.pixelColor(dot), background),
                 qPrintable(QStringLiteral("send dot of %1").arg(m)));
        QVERIFY2(!near(image.pixelColor(head), background),
                 qPrintable(QStringLiteral("head of %1").arg(m)));
        ++checked;
    }
    QCOMPARE(checked, 28);
}

void TestUi::crashedLaneIsRed()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("flood"), 0, 1,
                                    {{"count", 100000}, {"size", 1024}, {"delay", 0.01}})));
    const TraceStore* store = window.currentStore();
    QTRY_VERIFY_WITH_TIMEOUT(store->deliveredCount() >= 3, 60000);
    QCOMPARE(::kill(pid_t(store->process(1).pid), SIGKILL), 0);
    QVERIFY(waitForRun(window));
    QVERIFY(window.stateLabel()->text().contains(QLatin1String("SIGKILL")));
    const QImage image = render(*window.timeline());
    const QRectF lane = window.timeline()->laneRect(1);
    // The bar's top rows, above the "crashed: SIGKILL" label written in it.
    const QPoint inBar(int(window.timeline()->width() - 20), int(lane.top() + 15));
    QVERIFY2(near(image.pixelColor(inBar), QColor(0xd0, 0x1c, 0x1c)),
             qPrintable(image.pixelColor(inBar).name()));
}

void TestUi::aFileOfManyChannelsOpensInBoundedSpace()
{
    // A small file (4 MB) naming 32,767 channels, each to a process of its own: the window must
    // not grow with them, and painting must cost what is on screen, not a lane or an arrow per
    // channel.
    const int channels = 32767;
    const QString path = m_directory.filePath(QStringLiteral("channels.jsonl"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < channels; ++i)
            file.write(QStringLiteral("{\"t_ns\":%1,\"process\":\"a\",\"kind\":\"send\","
                                      "\"channel\":\"a->b%2\",\"seq\":0,\"bytes\":4,"
                                      "\"value\":\"1\",\"start_ns\":%1}\n")
                           .arg(i * 10)
                           .arg(i)
                           .toUtf8());
    }
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openEvents(path));
    if (window.currentRun()->run()->live()) // still reading: a channel costs more than a line
        QVERIFY(waitForRun(window));
    QCOMPARE(window.currentStore()->channelCount(), channels);
    QCOMPARE(window.currentStore()->processCount(), channels + 1);
    QApplication::processEvents();
    QVERIFY2(window.height() <= 1000 && window.minimumSizeHint().height() <= 1000,
             qPrintable(QStringLiteral("window %1, minimum %2")
                            .arg(window.height())
                            .arg(window.minimumSizeHint().height())));
    QVERIFY(window.statistics()->sizeHint().height() <= 1000);
    const QImage shot = window.grab().toImage();
    QVERIFY(!shot.isNull());
    // Every channel's arrow leaves the one lane on screen, but arrows that cover the same pixels
    // are drawn once: what is drawn is bounded by the pixels, not by the channels.
    // (The sends are spread over the whole width, so a few lines start from each pixel.)
    QVERIFY2(window.timeline()->linesDrawn() < 4 * window.timeline()->width(),
             qPrintable(QStringLiteral("%1 lines, %2 px")
                            .arg(window.timeline()->linesDrawn())
                            .arg(window.timeline()->width())));
}

void TestUi::aboutNamesTheVersions()
{
    const QString text = MainWindow::aboutText();
    QVERIFY2(text.contains(QStringLiteral("PipeScope " PIPESCOPE_EXPECTED_VERSION)),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Qt ") + QLatin1String(qVersion())), qPrintable(text));
    MainWindow window;
    QVERIFY(window.aboutAction());
    QCOMPARE(window.aboutAction()->text(), QStringLiteral("&About PipeScope"));
    // It sits in a menu of the menu bar (Help).
    const QList<QAction*> menus = window.menuBar()->actions();
    QVERIFY(std::any_of(menus.begin(), menus.end(), [&](const QAction* menu) {
        return menu->menu() && menu->menu()->actions().contains(window.aboutAction()) &&
               menu->text() == QLatin1String("&Help");
    }));
}

// The messages table's delegate hands the style only what a cell can show: the table looks the
// same as with the whole texts (long values, narrow characters, a character outside the BMP near
// the cut, texts aligned right; on one line and wrapped), a size hint still measures the whole
// text, and the cut is never before the width is full, whatever printable ASCII character fills
// it.
void TestUi::aCellIsCutToWhatItsWidthShows()
{
    QTableWidget plain(6, 2);
    QTableWidget cut(6, 2);
    auto* delegate = new VisibleTextDelegate(&cut);
    cut.setItemDelegate(delegate);
    QByteArray repr = "b'";
    for (int i = 0; i < 64; ++i)
        repr += "\\x" + QByteArray::number(i % 16, 16).rightJustified(2, '0');
    repr += "'";
    const QStringList texts = {
        QString::fromLatin1(repr),
        QString(300, u'i'),
        QString(40, u'W') + QString::fromUtf8("\xF0\x9F\x98\x80") + QString(300, u'x'),
        QStringLiteral("short"),
        QString(400, u'.'),
        QString::fromUtf8("\xC3\xBC").repeated(200),
    };
    for (QTableWidget* table : {&plain, &cut}) {
        table->resize(500, 300);
        table->setColumnWidth(0, 160);
        table->setColumnWidth(1, 90);
        for (int row = 0; row < texts.size(); ++row) {
            table->setItem(row, 0, new QTableWidgetItem(texts[row]));
            auto* right = new QTableWidgetItem(texts[row]);
            right->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(row, 1, right);
        }
    }
    // One line a cell, as the messages table shows them, and wrapped.
    for (const bool wrap : {false, true}) {
        plain.setWordWrap(wrap);
        cut.setWordWrap(wrap);
        QCOMPARE(cut.grab().toImage(), plain.grab().toImage());
    }

    QStyleOptionViewItem option;
    option.initFrom(&cut);
    option.rect = QRect(0, 0, 160, 30);
    const QModelIndex index = cut.model()->index(0, 0);
    QCOMPARE(delegate->sizeHint(option, index),
             plain.itemDelegate()->sizeHint(option, plain.model()->index(0, 0)));
    QVERIFY(delegate->sizeHint(option, index).width() > 300);

    const QFontMetricsF metrics(cut.font());
    for (const int width : {1, 37, 160, 1000}) {
        const int visible = delegate->visibleCharacters(cut.font(), width);
        for (char c = ' '; c <= '~'; ++c)
            QVERIFY2(
                metrics.horizontalAdvance(QString(visible, QLatin1Char(c))) > width,
                qPrintable(QStringLiteral("%1 x '%2' fit %3 px").arg(visible).arg(c).arg(width)));
    }
}

void TestUi::aSteadyLabelRepaintsWithoutALayout()
{
    // A figure's label in a laid-out window: a new text of no more width asks for no layout;
    // one that needs more widens it (and the layout follows); it narrows only once released.
    QWidget window;
    auto* layout = new QHBoxLayout(&window);
    auto* label = new SteadyLabel(&window);
    layout->addWidget(label);
    layout->addStretch(1);
    window.show();
    EventCounter layoutRequests(QEvent::LayoutRequest);
    window.installEventFilter(&layoutRequests);
    label->setSteadyText(QStringLiteral("1,000"));
    QCoreApplication::processEvents();
    const int narrow = label->width();
    QVERIFY(narrow >= label->sizeHint().width());

    layoutRequests.count = 0;
    label->setSteadyText(QStringLiteral("1,001"));
    QCoreApplication::processEvents();
    QCOMPARE(label->text(), QStringLiteral("1,001"));
    QCOMPARE(layoutRequests.count, 0);
    QCOMPARE(label->width(), narrow);

    label->setSteadyText(QStringLiteral("1,000,000,000"));
    QCoreApplication::processEvents();
    QVERIFY(layoutRequests.count > 0);
    const int wide = label->width();
    QVERIFY(wide > narrow);
    QVERIFY(wide >= label->sizeHint().width());

    label->setSteadyText(QStringLiteral("7"));
    QCoreApplication::processEvents();
    QCOMPARE(label->width(), wide);

    label->release();
    label->setSteadyText(QStringLiteral("8"));
    QCoreApplication::processEvents();
    QVERIFY(label->width() < narrow);
}

void TestUi::findingsOfARun()
{
    // A flood fills the pipe: the Findings tab says so, the status bar counts it, and selecting
    // it zooms the timeline to the longest wait and selects the message that waited.
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 0, 1.0, {{QStringLiteral("count"), 300.0}})));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    const FindingsModel* model = window.findings()->model();
    QAbstractItemModelTester tester(const_cast<FindingsModel*>(model));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->findings().front().kind, QStringLiteral("blocked-send"));
    QCOMPARE(window.findings()->summary(), QStringLiteral("1 finding, 1 above info"));
    const qint64 spanBefore = window.axis()->span();
    window.findings()->table()->selectRow(0);
    QApplication::processEvents();
    QVERIFY2(window.axis()->span() < spanBefore, "the timeline zooms to the finding");
    const qint32 proof = model->findings().front().events.front();
    QVERIFY(window.axis()->start() <= window.currentStore()->time(proof));
    QVERIFY(window.axis()->end() >= window.currentStore()->time(proof));
    // A clean run has none.
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 1, 0)));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(window.findings()->summary(), QString());
}

void TestUi::aTeachingRunShowsItsFindingAndItsMessages()
{
    // full-pipe ends with its blocked-send finding on show; the large-message finding, selected,
    // keeps only its messages in the table until Show all.
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.startRun(request(QStringLiteral("full-pipe"), 0, 1.0,
                                    {{QStringLiteral("count"), 2.0},
                                     {QStringLiteral("size"), 100000.0},
                                     {QStringLiteral("delay"), 0.2}})));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    QVERIFY(window.findings()->isVisible());
    const FindingsModel* model = window.findings()->model();
    const QModelIndex current = window.findings()->table()->currentIndex();
    QVERIFY(current.isValid());
    const auto* sorted = qobject_cast<const QSortFilterProxyModel*>(current.model());
    QVERIFY(sorted);
    QCOMPARE(model->findings()[size_t(sorted->mapToSource(current).row())].kind,
             QStringLiteral("blocked-send"));

    MessagesPane* pane = window.messagesPane();
    QCOMPARE(pane->table()->model()->rowCount(), 3); // two items and None
    int large = -1;
    for (int row = 0; row < sorted->rowCount(); ++row) {
        if (model->findings()[size_t(sorted->mapToSource(sorted->index(row, 0)).row())].kind ==
            QLatin1String("large-message"))
            large = row;
    }
    QVERIFY(large >= 0);
    window.findings()->table()->selectRow(large);
    QApplication::processEvents();
    // The timeline rings the finding's events; the table keeps only its messages.
    const Finding& selected =
        model->findings()[size_t(sorted->mapToSource(sorted->index(large, 0)).row())];
    QCOMPARE(window.timeline()->highlighted(), selected.events);
    QCOMPARE(pane->table()->model()->rowCount(), 2);
    QCOMPARE(pane->matchText(), QStringLiteral("2 of 3 messages"));
    const auto buttons = pane->findChildren<QToolButton*>();
    const auto showAll = std::find_if(buttons.begin(), buttons.end(), [](QToolButton* button) {
        return button->text() == QLatin1String("Show all");
    });
    QVERIFY(showAll != buttons.end());
    (*showAll)->click();
    QCOMPARE(pane->table()->model()->rowCount(), 3);
    QCOMPARE(pane->matchText(), QString());

    // The deadlock's finding, selected at the end, points at the runner's verdict too (an event
    // with no lane): it is ringed where it can be, and the window paints.
    QVERIFY(window.startRun(request(QStringLiteral("deadlock"), 0, 1.0)));
    QVERIFY(waitForRun(window));
    QVERIFY(waitForFindings(window));
    QApplication::processEvents();
    const std::vector<qint32>& ringed = window.timeline()->highlighted();
    QVERIFY(std::any_of(ringed.begin(), ringed.end(), [&](qint32 e) {
        return window.currentStore()->processOf(e) == TraceStore::kRunner;
    }));
    QVERIFY(!window.grab().isNull());
}

void TestUi::refreshesKeepToAThirdOfTheThread()
{
    // A live run whose refreshes each cost 20 ms (a slow view): the next refresh comes at least
    // three times that after the last began, and the refreshes keep coming until the run ends.
    RunHistoryModel history;
    CurrentRun current(history);
    QCOMPARE(current.refreshIntervalMs(), CurrentRun::kRefreshIntervalMs);
    std::vector<qint64> begun;
    connect(&current, &CurrentRun::refreshed, &current, [&] {
        begun.push_back(monotonicNs());
        while (monotonicNs() - begun.back() < 20'000'000) {
        }
    });
    QSignalSpy ended(&current, &CurrentRun::ended);
    auto settings = ScenarioCatalog::resolve(
        request(QStringLiteral("flood"), 1, 1,
                {{"count", 300}, {"size", 64}, {"delay", 0}, {"rate", 200}}));
    QVERIFY(settings.ok());
    auto started = Run::start(*settings, history.nextNumber());
    QVERIFY(started.ok());
    current.setRun(history.add(std::move(*started)));
    QTRY_VERIFY_WITH_TIMEOUT(begun.size() >= 6, 30000);
    QVERIFY2(current.refreshIntervalMs() >= 60,
             qPrintable(QString::number(current.refreshIntervalMs())));
    QVERIFY(current.refreshIntervalMs() <= CurrentRun::kSlowestRefreshMs);
    // From the third on (the first comes with setRun(), the second on the 16 ms timer).
    for (size_t i = 3; i < begun.size(); ++i)
        QVERIFY2(begun[i] - begun[i - 1] >= 55'000'000,
                 qPrintable(QStringLiteral("refresh %1 came %2 ns after the one before")
                                .arg(i)
                                .arg(begun[i] - begun[i - 1])));
    QVERIFY(ended.wait(60000));
    QVERIFY(!current.refreshing());
}

void TestUi::aLongRunIsTabledThroughAWindow()
{
    // A table of at most 1000 rows over a flood of 3000 messages (and the empty one that ends it):
    // it follows the run's end, says which messages it holds, and moves to a message shown.
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    MessageTableModel* model = window.messageModel();
    model->setMaxRows(1000);
    // The window's moves (resets while live) and rows inserted keep the model consistent.
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 0, {{"count", 3000}, {"size", 64}, {"delay", 0}})));
    QVERIFY(waitForRun(window));
    const TraceStore& store = *window.currentStore();
    QCOMPARE(qsizetype(store.messages().size()), qsizetype(3001));
    QVERIFY(model->windowed());
    QVERIFY(model->rowCount() <= 1000);
    QCOMPARE(model->first() + model->rowCount(), 3001); // it followed the end
    // And the table shows it: scrolled there when its rows were laid out, which came after the
    // window's last move (the view lays them out later, after the run has ended in a slow build).
    const QScrollBar* bar = window.messageTable()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());
    const auto seqOf = [&](int row) {
        return model->index(row, MessageTableModel::Seq).data(Qt::UserRole).toLongLong();
    };
    QCOMPARE(seqOf(0), qint64(store.messages()[size_t(model->first())].seq));
    QCOMPARE(window.messagesPane()->matchText(),
             QStringLiteral("messages %1 to 3,000 of 3,001").arg(Quantity::count(model->first())));

    // Message 5, far before the window: the window moves there, and its row is the one selected.
    QSignalSpy selected(window.messagesPane(), &MessagesPane::messageSelected);
    window.messagesPane()->showMessage(5);
    QVERIFY(model->rowOf(5) >= 0);
    QCOMPARE(model->rowCount(), 1000);
    QCOMPARE(seqOf(model->rowOf(5)), qint64(store.messages()[5].seq));
    QVERIFY(!selected.isEmpty());
    QCOMPARE(selected.last().at(0).toInt(), 5);
    QCOMPARE(window.messagesPane()->matchingMessages(1).front(), model->first());

    // A finding's messages stay the only ones while the window moves to one of them.
    window.messagesPane()->showOnly({7, 2990});
    window.messagesPane()->showMessage(2990);
    QVERIFY(model->rowOf(2990) >= 0);
    QCOMPARE(window.messagesPane()->matchingMessages(10), (std::vector<int>{2990}));
    window.messagesPane()->showMessage(7);
    QCOMPARE(window.messagesPane()->matchingMessages(10), (std::vector<int>{7}));
    QVERIFY(window.messagesPane()->matchText().startsWith(QLatin1String("1 of ")));
    window.messagesPane()->showOnly({});
}

void TestUi::scrollingPastTheWindowMovesIt()
{
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    MessageTableModel* model = window.messageModel();
    model->setMaxRows(1000);
    QTableView* table = window.messageTable();
    QScrollBar* bar = table->verticalScrollBar();
    const auto messageAtY = [&](int y) {
        return messageOfRow(*table, table->indexAt(QPoint(0, y)));
    };
    // A paced run's rows come in as they are sent: the table, at its end when the run began
    // (empty), stays at the newest rows.
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 1, {{"count", 300}, {"size", 64}, {"delay", 0.003}})));
    QVERIFY(waitForRun(window));
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(messageAtY(table->viewport()->height() - 1), 300);

    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 0, {{"count", 3000}, {"size", 64}, {"delay", 0}})));
    QVERIFY(waitForRun(window));
    const auto topMessage = [&] { return messageAtY(0); };

    window.messagesPane()->showMessage(5); // the window now starts at the run's start
    QCOMPARE(model->first(), 0);
    QVERIFY(!model->following());

    // The wheel turned down at the table's last row: the window moves on by a quarter, and the
    // rows in sight stay in sight.
    table->scrollToBottom();
    const int top = topMessage();
    const QPoint centre = table->viewport()->rect().center();
    QWheelEvent down(centre, table->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, -120),
                     Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    // A touchpad's small steps: a notch's worth of them.
    QWheelEvent little(centre, table->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, -40),
                       Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(table->viewport(), &little);
    QApplication::sendEvent(table->viewport(), &little);
    QTest::qWait(20);
    QCOMPARE(model->first(), 0);
    QApplication::sendEvent(table->viewport(), &little);
    QTRY_COMPARE(model->first(), 250);
    QCOMPARE(topMessage(), top);
    QVERIFY(bar->value() < bar->maximum());
    // The wheel turned down elsewhere moves nothing, nor does a step that reaches the end.
    QApplication::sendEvent(table->viewport(), &down);
    bar->setValue(bar->maximum() - 1);
    bar->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    QCOMPARE(bar->value(), bar->maximum());
    QTest::qWait(50);
    QCOMPARE(model->first(), 250);

    // The scroll bar's steps at its end, on to the run's end: the window follows it again.
    for (int step = 0; step < 12 && !model->following(); ++step) {
        table->scrollToBottom();
        bar->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        QTest::qWait(20);
    }
    QVERIFY(model->following());
    QCOMPARE(model->first() + model->rowCount(), 3001);
    // And back at its first row, towards the start.
    table->scrollToTop();
    const int first = model->first();
    bar->triggerAction(QAbstractSlider::SliderSingleStepSub);
    QTRY_COMPARE(model->first(), first - 250);
    QVERIFY(!model->following());

    // Another run is a table of its own: message 5 of this one selected, the earlier run's row 5
    // is not selected when it is shown.
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 10, 0)));
    QVERIFY(waitForRun(window));
    window.messagesPane()->showMessage(5);
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    window.currentRun()->setRun(window.history()->run(1));
    QCOMPARE(window.currentStore()->messages().size(), size_t(3001));
    QCOMPARE(model->first(), 0);
    QVERIFY(table->selectionModel()->selectedRows().isEmpty());
    QVERIFY(!table->currentIndex().isValid());
}

void TestUi::aSortedTableStaysSortedAsTheRunGoesOn()
{
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    MessageTableModel* model = window.messageModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTableView* table = window.messageTable();
    const QAbstractItemModel* shown = table->model();
    const auto key = [&](int row, int column) {
        return shown->index(row, column).data(Qt::UserRole).toLongLong();
    };
    const auto sortedBy = [&](int column, Qt::SortOrder order) {
        for (int row = 1; row < shown->rowCount(); ++row) {
            const qint64 a = key(row - 1, column);
            const qint64 b = key(row, column);
            if (order == Qt::AscendingOrder ? b < a : a < b)
                return false;
        }
        return shown->rowCount() > 1;
    };
    // Sorted while its rows come in (inserts sorted in, and recvs changing the latencies).
    table->sortByColumn(MessageTableModel::Seq, Qt::DescendingOrder);
    QCOMPARE(model->sortColumn(), int(MessageTableModel::Seq));
    // (3 s paced: long enough for a slow build to look in its middle.)
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 1, {{"count", 300}, {"size", 64}, {"delay", 0.01}})));
    QTRY_VERIFY_WITH_TIMEOUT(shown->rowCount() >= 30, 10000);
    QVERIFY(window.currentRun()->run()->live()); // in the middle of the run
    QVERIFY(sortedBy(MessageTableModel::Seq, Qt::DescendingOrder));
    QVERIFY(waitForRun(window));
    QCOMPARE(shown->rowCount(), 301);
    QVERIFY(sortedBy(MessageTableModel::Seq, Qt::DescendingOrder));
    QCOMPARE(model->messageAt(0), 300); // the sentinel, sent last
    for (int row = 0; row < shown->rowCount(); ++row)
        QCOMPARE(model->rowOf(model->messageAt(row)), row);

    // The selected message stays selected as the rows are sorted again.
    window.messagesPane()->showMessage(42);
    table->sortByColumn(MessageTableModel::Latency, Qt::DescendingOrder);
    QVERIFY(sortedBy(MessageTableModel::Latency, Qt::DescendingOrder));
    QCOMPARE(messageOfRow(*table, table->currentIndex()), 42);

    // Sorted across the moves of a window of 1000 rows over a flood of 3000 messages.
    model->setMaxRows(1000);
    table->sortByColumn(MessageTableModel::Sent, Qt::AscendingOrder);
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 0, {{"count", 3000}, {"size", 64}, {"delay", 0}})));
    QVERIFY(waitForRun(window));
    QCOMPARE(model->first() + model->rowCount(), 3001);
    QVERIFY(sortedBy(MessageTableModel::Sent, Qt::AscendingOrder));
    window.messagesPane()->showMessage(5);
    QCOMPARE(model->first(), 0);
    QVERIFY(sortedBy(MessageTableModel::Sent, Qt::AscendingOrder));
    QCOMPARE(messageOfRow(*table, table->currentIndex()), 5);
    // Back to the messages' order.
    table->sortByColumn(-1, Qt::AscendingOrder);
    QCOMPARE(model->sortColumn(), -1);
    for (int row = 0; row < 10; ++row)
        QCOMPARE(model->messageAt(row), row);

    // A message never received has no time of receipt: last in ascending order, first in
    // descending (as Qt's proxy sorted an empty value); and its row names it.
    model->setMaxRows(500'000);
    QVERIFY(window.startRun(request(QStringLiteral("bytes"), 0, 0)));
    QVERIFY(waitForRun(window));
    QCOMPARE(shown->rowCount(), 7);
    const auto received = [&](int row) {
        return shown->index(row, MessageTableModel::Received).data().toString();
    };
    table->sortByColumn(MessageTableModel::Received, Qt::AscendingOrder);
    QCOMPARE(model->messageAt(6), 6);
    QCOMPARE(received(6), QStringLiteral("refused: OSError"));
    table->sortByColumn(MessageTableModel::Received, Qt::DescendingOrder);
    QCOMPARE(model->messageAt(0), 6);
    QCOMPARE(received(0), QStringLiteral("refused: OSError"));
    // Names sort as text: every message of this run is on one channel, in the messages' order.
    table->sortByColumn(MessageTableModel::Channel, Qt::DescendingOrder);
    for (int row = 0; row < 7; ++row)
        QCOMPARE(model->messageAt(row), row);
}

void TestUi::aFilteredTableFollowsTheRun()
{
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    MessageTableModel* model = window.messageModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTableView* table = window.messageTable();
    QLineEdit* filter = window.messagesPane()->filterEdit();

    // The messages in flight while a paced run goes on (its receiver is slower than its
    // sender): they are rows while they are not received, and leave as their recvs come.
    filter->setText(QStringLiteral("not received"));
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 1, {{"count", 300}, {"size", 64}, {"delay", 0.01}})));
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 10, 10000);
    QVERIFY(window.currentRun()->run()->live());
    QVERIFY(waitForRun(window));
    QCOMPARE(qsizetype(window.currentStore()->messages().size()), qsizetype(301));
    QCOMPARE(model->rowCount(), 0); // every one was received
    QCOMPARE(window.messagesPane()->matchText(), QStringLiteral("0 of 301 messages"));

    // Filtered and sorted while another run goes on: the rows at its end are those a look at
    // every cell of every message finds, in the order asked for.
    const QString needle = QStringLiteral("99");
    filter->setText(needle);
    table->sortByColumn(MessageTableModel::Seq, Qt::DescendingOrder);
    QVERIFY(window.startRun(
        request(QStringLiteral("flood"), 1, 1, {{"count", 300}, {"size", 64}, {"delay", 0.003}})));
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 1, 10000);
    QVERIFY(waitForRun(window));
    const std::vector<int> filtered = window.messagesPane()->matchingMessages(1000);
    filter->clear();
    QCOMPARE(model->rowCount(), 301);
    std::vector<int> found;
    for (int row = 0; row < model->rowCount(); ++row) {
        for (int column = 0; column < MessageTableModel::ColumnCount; ++column) {
            if (model->index(row, column).data().toString().contains(needle)) {
                found.push_back(model->messageAt(row));
                break;
            }
        }
    }
    QVERIFY(!found.empty());
    QVERIFY(found.size() < 301);
    QCOMPARE(filtered, found);
    for (size_t i = 1; i < found.size(); ++i)
        QVERIFY(found[i - 1] > found[i]); // seq descending: a flood's seqs are its messages'
}

void TestUi::aChannelFoundInternalLeavesTheTable()
{
    // A traced program's channel found to be multiprocessing's own while the run goes on: its
    // messages leave the table at the next refresh, and come back when internal traffic is shown.
    TraceStore store;
    store.addProcess(QStringLiteral("a"), QStringLiteral("role"));
    store.addProcess(QStringLiteral("b"), QStringLiteral("role"));
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    store.addChannel(QStringLiteral("b->a"), 1, 0);
    const auto send = [&](int process, quint16 channel, qint64 seq, qint64 t) {
        TelemetryRecord r;
        r.kind = EventKind::Send;
        r.startNs = r.tNs = t;
        r.channel = channel;
        r.seq = seq;
        r.amount = 8;
        return store.append(process, r, "1").ok();
    };
    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(&store, true);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(send(0, 0, i, 10 * i));
        QVERIFY(send(1, 1, i, 10 * i + 5));
    }
    model.refresh(true);
    QCOMPARE(model.rowCount(), 20);
    store.setChannelInternal(1, true);
    model.refresh(true);
    QCOMPARE(model.rowCount(), 10);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(store.messages()[size_t(model.messageAt(row))].channel, 0);
    // New messages of both: only a->b's are rows.
    QVERIFY(send(0, 0, 10, 200));
    QVERIFY(send(1, 1, 10, 205));
    model.refresh(true);
    QCOMPARE(model.rowCount(), 11);
    store.setInternalShown(true);
    model.refresh(true);
    QCOMPARE(model.rowCount(), 22);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.messageAt(row), row);
}

void TestUi::aLongLiveTableTakesRowsInBatches()
{
    // A live run's table of kEagerRows rows or more takes the new messages at most once per
    // kInsertIntervalNs, however often it is refreshed; at the run's end, all of them at once.
    TraceStore store;
    store.addProcess(QStringLiteral("a"), QStringLiteral("role"));
    store.addProcess(QStringLiteral("b"), QStringLiteral("role"));
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    qint64 seq = 0;
    const auto send = [&] {
        TelemetryRecord r;
        r.kind = EventKind::Send;
        r.startNs = r.tNs = 1000 * seq;
        r.channel = 0;
        r.seq = seq++;
        r.amount = 8;
        return store.append(0, r, "1").ok();
    };
    // (No QAbstractItemModelTester: it walks the 100,000 rows at every insert.)
    MessageTableModel model;
    model.setStore(&store, true);
    // Below kEagerRows: every refresh takes what came.
    for (int i = 0; i < 1000; ++i)
        QVERIFY(send());
    model.refresh();
    QCOMPARE(model.rowCount(), 1000);
    while (seq < MessageTableModel::kEagerRows)
        QVERIFY(send());
    model.refresh();
    QCOMPARE(model.rowCount(), MessageTableModel::kEagerRows);

    // Past it: a message before each of many refreshes (50 at least), for three intervals at
    // least.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const qint64 started = monotonicNs();
    int refreshes = 0;
    while (refreshes < 50 || monotonicNs() - started < 3 * MessageTableModel::kInsertIntervalNs) {
        QVERIFY(send());
        model.refresh();
        ++refreshes;
        QTest::qWait(2);
    }
    const qint64 elapsed = monotonicNs() - started;
    QVERIFY2(
        inserted.size() <= elapsed / MessageTableModel::kInsertIntervalNs + 1,
        qPrintable(QStringLiteral("%1 inserts in %2 ms").arg(inserted.size()).arg(elapsed / 1e6)));
    QVERIFY(!inserted.isEmpty());
    // The rows are the messages in order, whatever batches they came in.
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.messageAt(row), row);
    // The run ended: every message is a row now.
    QVERIFY(send());
    model.refresh(true);
    QCOMPARE(model.rowCount(), int(seq));
    QCOMPARE(model.messageAt(int(seq) - 1), int(seq) - 1);
}

void TestUi::aLiveRunShownAgainIsAtItsEnd()
{
    // A run still going, shown again after another: its table is at its end, where the new rows
    // come, and follows them.
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    const MessageTableModel* model = window.messageModel();
    const QScrollBar* bar = window.messageTable()->verticalScrollBar();
    QVERIFY(window.startRun(request(QStringLiteral("sender-receiver"), 10, 0)));
    QVERIFY(waitForRun(window));
    Run* finished = window.currentRun()->run();
    // 500 messages sent 10 ms apart: 5 s.
    QVERIFY(window.startRun(request(QStringLiteral("flood"), 1, 1,
                                    {{"count", 500}, {"size", 64}, {"delay", 0}, {"rate", 100}})));
    Run* live = window.currentRun()->run();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 60, 10000);
    QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());
    window.currentRun()->setRun(finished); // shown from its start
    QCOMPARE(model->rowCount(), int(finished->store().messages().size()));
    QTRY_COMPARE(bar->value(), 0);
    window.currentRun()->setRun(live);
    QVERIFY(live->live());
    QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());
    const int rows = model->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= rows + 20, 10000);
    QTRY_COMPARE(bar->value(), bar->maximum());
    QCOMPARE(model->messageAt(model->rowCount() - 1), model->first() + model->rowCount() - 1);
    window.stopRun();
    QVERIFY(waitForRun(window));
}

QTEST_MAIN(TestUi)

#include "tst_ui.moc"
