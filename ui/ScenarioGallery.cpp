#include "ScenarioGallery.h"

#include "run/ScenarioCatalog.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QVBoxLayout>

namespace pipescope {

ScenarioGallery::ScenarioGallery(QWidget* parent)
    : QWidget(parent)
    , m_scenarios(new QListWidget(this))
    , m_description(new QLabel(this))
    , m_form(nullptr)
    , m_formHost(new QWidget(this))
    , m_seed(nullptr)
    , m_timeScale(nullptr)
    , m_history(new QListView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* title = new QLabel(tr("<b>Scenarios</b>"), this);
    layout->addWidget(title);
    for (const Scenario& scenario : ScenarioCatalog::all()) {
        auto* item = new QListWidgetItem(scenario.title, m_scenarios);
        item->setData(Qt::UserRole, scenario.name);
        item->setToolTip(scenario.description);
    }
    m_scenarios->setToolTip(tr("Double-click a scenario (or press Ctrl+R) to run it"));
    layout->addWidget(m_scenarios, 2);
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_description);
    layout->addWidget(new QLabel(tr("<b>Parameters</b>"), this));
    m_form = new QFormLayout(m_formHost);
    m_form->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_formHost);
    auto* defaults = new QPushButton(tr("Defaults"), this);
    defaults->setToolTip(tr("Set the parameters, seed and time scale back to their defaults"));
    connect(defaults, &QPushButton::clicked, this, &ScenarioGallery::resetToDefaults);
    layout->addWidget(defaults, 0, Qt::AlignRight);
    layout->addWidget(new QLabel(tr("<b>Runs</b>"), this));
    m_history->setToolTip(tr("Every run of this session; select one to look at it again"));
    layout->addWidget(m_history, 1);

    connect(m_scenarios, &QListWidget::currentRowChanged, this, [this] { buildForm(); });
    connect(m_scenarios, &QListWidget::itemDoubleClicked, this, [this] { Q_EMIT runRequested(); });
    m_scenarios->setCurrentRow(0);
}

void ScenarioGallery::setHistoryModel(QAbstractItemModel* model)
{
    m_history->setModel(model);
    connect(m_history->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid() && !m_showingHistoryRow)
                    Q_EMIT historySelected(current.row());
            });
}

void ScenarioGallery::showHistoryRow(int row)
{
    m_showingHistoryRow = true;
    m_history->setCurrentIndex(m_history->model()->index(row, 0));
    m_showingHistoryRow = false;
}

QString ScenarioGallery::currentScenario() const
{
    const QListWidgetItem* item = m_scenarios->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

bool ScenarioGallery::selectScenario(const QString& name)
{
    for (int row = 0; row < m_scenarios->count(); ++row) {
        if (m_scenarios->item(row)->data(Qt::UserRole).toString() == name) {
            m_scenarios->setCurrentRow(row);
            return true;
        }
    }
    return false;
}

void ScenarioGallery::buildForm()
{
    if (!m_formScenario.isEmpty())
        m_edited.insert(m_formScenario, request()); // kept for when the person comes back
    m_formScenario = currentScenario();
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_parameterBoxes.clear();
    const Scenario* scenario = ScenarioCatalog::find(currentScenario());
    if (!scenario)
        return;
    m_description->setText(
        scenario->demonstrates.isEmpty()
            ? scenario->description
            : scenario->description +
                  tr(".\n\nA mistake on purpose: the run shows the %1 finding (Findings tab).")
                      .arg(scenario->demonstrates));
    for (const ScenarioParameter& parameter : scenario->parameters) {
        auto* box = new QDoubleSpinBox(m_formHost);
        box->setDecimals(parameter.integer ? 0 : 3);
        box->setRange(parameter.minimum, parameter.maximum);
        box->setValue(parameter.defaultValue);
        box->setToolTip(parameter.description);
        box->setObjectName(parameter.name);
        m_form->addRow(parameter.name, box);
        m_parameterBoxes.append(box);
    }
    m_seed = new QLineEdit(m_formHost);
    m_seed->setPlaceholderText(tr("random"));
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,19}")), m_seed));
    m_seed->setToolTip(
        tr("random.seed(N) for the processes (%1); empty draws a fresh seed").arg(scenario->seeds));
    if (!scenario->random) {
        // Nothing in this scenario draws a random number: a seed would change nothing.
        m_seed->setEnabled(false);
        m_seed->setPlaceholderText(tr("not used"));
        m_seed->setToolTip(scenario->seeds);
    }
    m_form->addRow(tr("seed"), m_seed);
    m_timeScale = new QDoubleSpinBox(m_formHost);
    m_timeScale->setRange(0, 1000);
    m_timeScale->setDecimals(3);
    m_timeScale->setValue(scenario->defaultTimeScale);
    m_timeScale->setToolTip(tr("Multiplies every sleep: 1 is real seconds, 0 no sleeping"));
    m_form->addRow(tr("time scale"), m_timeScale);
    if (m_edited.contains(m_formScenario))
        fillForm(m_edited.value(m_formScenario));
}

void ScenarioGallery::resetToDefaults()
{
    m_edited.remove(m_formScenario);
    m_formScenario.clear(); // nothing to keep: the form is rebuilt from the defaults
    buildForm();
}

RunRequest ScenarioGallery::request() const
{
    RunRequest request;
    request.scenario = currentScenario();
    for (const QDoubleSpinBox* box : m_parameterBoxes)
        request.parameters.insert(box->objectName(), box->value());
    if (m_seed && !m_seed->text().isEmpty())
        request.seed = m_seed->text().toULongLong();
    if (m_timeScale)
        request.timeScale = m_timeScale->value();
    return request;
}

void ScenarioGallery::applyRequest(const RunRequest& request)
{
    if (selectScenario(request.scenario))
        fillForm(request);
}

void ScenarioGallery::fillForm(const RunRequest& request)
{
    for (QDoubleSpinBox* box : std::as_const(m_parameterBoxes)) {
        if (request.parameters.contains(box->objectName()))
            box->setValue(request.parameters.value(box->objectName()));
    }
    m_seed->setText(request.seed ? QString::number(*request.seed) : QString());
    if (request.timeScale)
        m_timeScale->setValue(*request.timeScale);
}

void ScenarioGallery::saveSettings() const
{
    QSettings settings;
    const RunRequest current = request();
    settings.setValue(QStringLiteral("gallery/scenario"), current.scenario);
    settings.beginGroup(QStringLiteral("parameters/") + current.scenario);
    for (auto it = current.parameters.cbegin(); it != current.parameters.cend(); ++it)
        settings.setValue(it.key(), it.value());
    settings.setValue(QStringLiteral("seed"),
                      current.seed ? QString::number(*current.seed) : QString());
    settings.setValue(QStringLiteral("timeScale"), current.timeScale.value_or(1.0));
    settings.endGroup();
}

void ScenarioGallery::restoreSettings()
{
    QSettings settings;
    const QString scenario = settings.value(QStringLiteral("gallery/scenario")).toString();
    if (scenario.isEmpty() || !selectScenario(scenario))
        return;
    settings.beginGroup(QStringLiteral("parameters/") + scenario);
    RunRequest remembered;
    remembered.scenario = scenario;
    for (const QDoubleSpinBox* box : std::as_const(m_parameterBoxes)) {
        if (settings.contains(box->objectName()))
            remembered.parameters.insert(box->objectName(),
                                         settings.value(box->objectName()).toDouble());
    }
    const QString seed = settings.value(QStringLiteral("seed")).toString();
    if (!seed.isEmpty())
        remembered.seed = seed.toULongLong();
    if (settings.contains(QStringLiteral("timeScale")))
        remembered.timeScale = settings.value(QStringLiteral("timeScale")).toDouble();
    settings.endGroup();
    applyRequest(remembered);
}

} // namespace pipescope
