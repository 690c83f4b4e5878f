#pragma once

#include "run/ScenarioRunner.h"

#include <QHash>
#include <QWidget>

class QAbstractItemModel;
class QCheckBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;

namespace pipescope {

// The left side of the window: every scenario with its name and one-line description, a form
// built from the selected scenario's typed parameters (with seed and time scale), and the history
// of runs. Double-clicking a scenario asks to run it.
class ScenarioGallery : public QWidget
{
    Q_OBJECT
public:
    explicit ScenarioGallery(QWidget* parent = nullptr);

    QString currentScenario() const;
    bool selectScenario(const QString& name);
    // The request the form describes now.
    RunRequest request() const;
    // Fills the form from a request (for --run and for the remembered settings).
    void applyRequest(const RunRequest& request);
    // The selected scenario's parameters, seed and time scale back to their defaults.
    void resetToDefaults();

    // The run history (a model of one row per run, newest first) and its view.
    void setHistoryModel(QAbstractItemModel* model);
    QListView* history() const { return m_history; }
    // Marks `row` of the history as the one on show, without emitting historySelected().
    void showHistoryRow(int row);

    void saveSettings() const;
    void restoreSettings();

Q_SIGNALS:
    void runRequested();
    // The person selected `row` of the history.
    void historySelected(int row);

private:
    void buildForm();
    void fillForm(const RunRequest& request);

    QListWidget* m_scenarios;
    QLabel* m_description;
    QFormLayout* m_form;
    QWidget* m_formHost;
    QList<QDoubleSpinBox*> m_parameterBoxes;
    QLineEdit* m_seed;
    QDoubleSpinBox* m_timeScale;
    QListView* m_history;
    bool m_showingHistoryRow = false;
    // What the form held for each scenario the person left, so that coming back finds it.
    QHash<QString, RunRequest> m_edited;
    QString m_formScenario; // the scenario the form shows
};

} // namespace pipescope
