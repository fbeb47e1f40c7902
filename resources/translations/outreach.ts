<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>Autosaver</name>
    <message>
        <location filename="../../ui/check/autosave.py" line="75"/>
        <source>Saving...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/autosave.py" line="91"/>
        <source>Saved {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/autosave.py" line="103"/>
        <source>Not saved yet: locked. It will be saved after unlocking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/autosave.py" line="105"/>
        <source>Not saved yet: {0} Trying again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/autosave.py" line="107"/>
        <source>Not saved yet. Trying again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BooleanField</name>
    <message>
        <location filename="../../ui/check/fields.py" line="498"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="498"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BusyIndicator</name>
    <message>
        <location filename="../../ui/widgets/busy.py" line="17"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CheckForm</name>
    <message>
        <location filename="../../ui/check/form.py" line="79"/>
        <source>Save status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="81"/>
        <source>Back to home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="83"/>
        <source>Leave the check (it is saved) and go back to home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="95"/>
        <source>Amend...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="97"/>
        <source>Amend this finalised check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="111"/>
        <source>Sections of the check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="116"/>
        <location filename="../../ui/check/form.py" line="291"/>
        <source>Findings and plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="117"/>
        <source>Review and finalise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="130"/>
        <source>&lt; Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="132"/>
        <source>Previous section (Ctrl+Page Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="134"/>
        <source>Next &gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="136"/>
        <source>Next section (Ctrl+Page Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="239"/>
        <source>Section {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/form.py" line="289"/>
        <source>Findings and plan ({0}, {1} open)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CheckPlaceholder</name>
    <message>
        <location filename="../../ui/main_window.py" line="895"/>
        <source>The check form is not available in this version of the app. Nothing has been changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="901"/>
        <source>&amp;Back to home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="902"/>
        <source>Back to home</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CheckWorkflow</name>
    <message>
        <location filename="../../ui/check/workflow.py" line="69"/>
        <source>Health check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="102"/>
        <source>Opening...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="120"/>
        <source>This check could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="142"/>
        <location filename="../../ui/check/workflow.py" line="144"/>
        <source>Back to home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="194"/>
        <source>Recorded: {0} did not agree to the check today. Nothing else was recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="204"/>
        <source>finalised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="204"/>
        <source>draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="205"/>
        <source>, version {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="206"/>
        <source>Health check: {0} ({1}{2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="210"/>
        <source>{0} - born {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="214"/>
        <source> - started with check content {0}, shown with {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="379"/>
        <source>Note: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="400"/>
        <source>Finalised {0} by {1}. It can no longer be changed; to correct it, amend it (a new version; this one is kept).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="405"/>
        <source>This check is finalised. To correct something, give the reason and amend it: that makes a new version and keeps this one as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="409"/>
        <source>Finalised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="524"/>
        <source>Finalising saves this check for good: it cannot be changed afterwards (an amendment makes a new version).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="531"/>
        <source>It will be sent to the shared health record at the next sync (when this laptop is online), to be seen by: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="538"/>
        <source>Not shared with: {0} (the person said no or was not asked).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="545"/>
        <source>The person did not agree to sharing it with anyone, so it stays on this laptop and is not sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="550"/>
        <source>What is sent: {0}&apos;s name, date of birth and NHS number, every answer of the check, {1} finding(s) and the follow-up agreed for each</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="554"/>
        <source> (referrals to: {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="614"/>
        <source>Problem: say why the check needs amending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="616"/>
        <source>Say why the check needs amending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="681"/>
        <source>Making the summary...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="683"/>
        <source>Health check summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/workflow.py" line="700"/>
        <source>Summary saved as {0}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChoiceButtons</name>
    <message>
        <location filename="../../ui/widgets/choice_buttons.py" line="67"/>
        <location filename="../../ui/widgets/choice_buttons.py" line="81"/>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/choice_buttons.py" line="159"/>
        <source>Clear answer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChoiceField</name>
    <message>
        <location filename="../../ui/check/fields.py" line="460"/>
        <source>Choose...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConsentPage</name>
    <message>
        <location filename="../../ui/check/consent_page.py" line="30"/>
        <source>Their GP practice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="31"/>
        <source>The mental health trust</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="32"/>
        <source>The charity supporting them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="78"/>
        <source>Consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="81"/>
        <source>Consent for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="93"/>
        <source>Before starting, ask the person. They can have the check and still say no to sharing it. A check that is not shared stays on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="100"/>
        <source>Do they agree to have the health check today?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="102"/>
        <source>May the results be shared with...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="112"/>
        <source>Note about consent (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="113"/>
        <source>Note (optional), e.g. consent given verbally</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="124"/>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="126"/>
        <source>Back without recording consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="128"/>
        <location filename="../../ui/check/consent_page.py" line="172"/>
        <source>Record consent and start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="130"/>
        <source>Record consent and start the check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="170"/>
        <source>Record that they said no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="184"/>
        <source>Say whether the person agrees to the check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="188"/>
        <source>Say yes or no to sharing with: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="194"/>
        <source>Problem: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CoreProgressStrip</name>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="33"/>
        <source>Core elements</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="38"/>
        <source>Core:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="57"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="58"/>
        <source>declined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="59"/>
        <source>not possible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="60"/>
        <source>to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/progress_strip.py" line="70"/>
        <location filename="../../ui/check/progress_strip.py" line="71"/>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../ui/review/dashboard.py" line="531"/>
        <location filename="../../ui/review/dashboard.py" line="542"/>
        <source>Team dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="550"/>
        <source>&amp;Show by:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="553"/>
        <source>Show the figures by worker, venue or month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="560"/>
        <source>E&amp;xport figures (CSV)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="562"/>
        <source>Export figures as CSV, without personal data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="563"/>
        <source>Counts only: no names, NHS numbers or other details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="572"/>
        <source>People with all six elements in 12 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="576"/>
        <source>Checks with all six done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="580"/>
        <source>Follow-ups overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="584"/>
        <source>Days to close a follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="592"/>
        <source>Dashboard charts and tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="619"/>
        <source>Charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="623"/>
        <source>&amp;Charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="630"/>
        <source>Figures by worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="640"/>
        <source>Core element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="643"/>
        <source>Core elements</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="645"/>
        <source>Finding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="645"/>
        <location filename="../../ui/review/dashboard.py" line="724"/>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="647"/>
        <location filename="../../ui/review/dashboard.py" line="878"/>
        <source>Findings by kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="649"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="649"/>
        <location filename="../../ui/review/dashboard.py" line="734"/>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="651"/>
        <location filename="../../ui/review/dashboard.py" line="884"/>
        <source>Referrals by service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="656"/>
        <source>&amp;Tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="661"/>
        <source>Export with &amp;personal data...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="664"/>
        <source>Export with personal data: names and NHS numbers, recorded in the audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="668"/>
        <source>Names and NHS numbers, in a file this app does not protect. You will be warned first; the export is recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="679"/>
        <source>Export status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="715"/>
        <source>Weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="716"/>
        <source>BP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="717"/>
        <source>Lipids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="718"/>
        <source>Glucose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="719"/>
        <source>Alcohol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="720"/>
        <source>Smoking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="725"/>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="726"/>
        <source>All six
done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="727"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="728"/>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="729"/>
        <source>Follow-ups
open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="730"/>
        <location filename="../../ui/review/dashboard.py" line="862"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="731"/>
        <location filename="../../ui/review/dashboard.py" line="858"/>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="732"/>
        <source>Days to
close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="733"/>
        <source>9 in 10
within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="741"/>
        <source>Different people checked (a person with two checks counts once)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="742"/>
        <source>Checks with all six core elements done: share, and number of checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="745"/>
        <source>Share of checks with {0} done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="749"/>
        <source>Follow-ups closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="750"/>
        <source>Open follow-ups past their due date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="751"/>
        <source>Days from a follow-up being opened to its closure: the median</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="752"/>
        <source>Nine in ten follow-ups were closed within this many days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="772"/>
        <source>as of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="785"/>
        <source>{0} of {1} people checked, {2} to {3}. Nationally the base is the whole SMI register.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="796"/>
        <source>No team checks yet: the figures appear once the team&apos;s checks come down from the shared record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="802"/>
        <source>{0} of {1} checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="806"/>
        <source>of {0} open ({1} closed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="819"/>
        <source>median; 9 in 10 closed within {0} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="821"/>
        <location filename="../../ui/review/dashboard.py" line="867"/>
        <source>No follow-up closed yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="848"/>
        <source>{0} done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="850"/>
        <source>Each core element (all checks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="856"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="865"/>
        <source>No follow-ups yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="869"/>
        <source>Closed in {0} days (median), 9 in 10 within {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="873"/>
        <source>Follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="886"/>
        <location filename="../../ui/review/dashboard.py" line="1015"/>
        <source>Service not named</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="895"/>
        <source>{0} more in the Tables tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="910"/>
        <source>Earlier months in the Tables tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="914"/>
        <source>The {0} with the lowest share; all {1} in the Tables tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="921"/>
        <source>Checks with all six done, by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="926"/>
        <source>{0} ({1} of {2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="930"/>
        <source>no checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="946"/>
        <source>Overdue follow-ups, by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="951"/>
        <source>! {0} of {1} open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="957"/>
        <source>No follow-up is overdue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="983"/>
        <source>Figures by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="996"/>
        <source>Below: the whole team. Choose a row above to see it alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="999"/>
        <source>Below: {0} only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="1044"/>
        <source>Save the dashboard figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/dashboard.py" line="1058"/>
        <source>Save the checks with personal data</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ElementPage</name>
    <message>
        <location filename="../../ui/check/element_page.py" line="54"/>
        <source>One of the six core elements of the annual check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/element_page.py" line="96"/>
        <source>Give at least one of: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/element_page.py" line="139"/>
        <source>Still needed to finish this section: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindingRow</name>
    <message>
        <location filename="../../ui/check/findings_page.py" line="54"/>
        <source>Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="55"/>
        <source>Needs action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="56"/>
        <source>Advice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="82"/>
        <source>Referral to a service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="83"/>
        <source>Advice given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="84"/>
        <source>Already under care</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="85"/>
        <source>Declined by the person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="86"/>
        <source>Clinician override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="141"/>
        <source>Urgency: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="151"/>
        <source>Source: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="222"/>
        <location filename="../../ui/check/findings_page.py" line="226"/>
        <source>Follow-up for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="233"/>
        <source>Service for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="234"/>
        <source>Choose the service...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="239"/>
        <source> (suggested)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="256"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="259"/>
        <source>Reason for the follow-up of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="417"/>
        <source>{0}: give the date to check the referral as day/month/year, e.g. 31/01/2027</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="248"/>
        <source>Date to check the referral for {0} happened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="183"/>
        <source>&lt;b&gt;Suggested:&lt;/b&gt; {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="189"/>
        <source>Accept suggested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="192"/>
        <source>Accept the suggested follow-up for {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="196"/>
        <source>Records: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="201"/>
        <location filename="../../ui/check/findings_page.py" line="390"/>
        <source>Choose another...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="204"/>
        <source>Choose another follow-up for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="230"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="244"/>
        <source>Check it happened by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="250"/>
        <source>e.g. 31/03/2027</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="264"/>
        <source>Note (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="267"/>
        <source>Note on the follow-up of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="309"/>
        <source>referral to {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="313"/>
        <source>{0}, check today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="315"/>
        <location filename="../../ui/check/findings_page.py" line="469"/>
        <source>{0}, check by {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="318"/>
        <source>advice given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="390"/>
        <source>Change...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="421"/>
        <source>{0}: the date to check the referral is in the past</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="443"/>
        <location filename="../../ui/check/findings_page.py" line="514"/>
        <source>{0}: choose a follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="467"/>
        <source>Referral to {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="474"/>
        <source>Recorded: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="477"/>
        <source>Problem: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="477"/>
        <source>choose a follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="482"/>
        <source>Needs a follow-up. Accept records: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="484"/>
        <source>Needs a follow-up: choose one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindingsPage</name>
    <message>
        <location filename="../../ui/check/findings_page.py" line="69"/>
        <source>1 urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="70"/>
        <source>{0} urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="73"/>
        <source>1 needs action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="74"/>
        <source>{0} need action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="77"/>
        <source>1 for advice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="78"/>
        <source>{0} for advice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="551"/>
        <location filename="../../ui/check/findings_page.py" line="558"/>
        <source>Findings and plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="623"/>
        <source>1 finding. It needs a follow-up before the check can be finalised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="625"/>
        <source>{0} findings. Each needs a follow-up before the check can be finalised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="635"/>
        <source>{0}; {1} of {2} recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/findings_page.py" line="620"/>
        <source>No findings so far: nothing in this check crossed a threshold.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FollowUpsModel</name>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="61"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="61"/>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="61"/>
        <source>Follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="61"/>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="79"/>
        <source>! Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="81"/>
        <source>Due today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="83"/>
        <source>Later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="84"/>
        <source>Due this week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="93"/>
        <source>No date</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FollowUpsView</name>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="207"/>
        <source>Attended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="208"/>
        <source>Declined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="209"/>
        <source>No response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="210"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="213"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="202"/>
        <source>Outco&amp;me:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="131"/>
        <source>How many follow-ups are open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="135"/>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="155"/>
        <source>Fin&amp;d person:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="158"/>
        <source>Name, date of birth or NHS number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="159"/>
        <source>Only follow-ups of people matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="164"/>
        <source>B&amp;y venue:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="167"/>
        <source>Only follow-ups from checks at this venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="168"/>
        <location filename="../../ui/home/follow_ups.py" line="262"/>
        <source>Any venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="196"/>
        <source>Open follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="205"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="218"/>
        <source>&amp;Note:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="221"/>
        <source>Note about the outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="222"/>
        <source>Optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="225"/>
        <source>&amp;Record outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="226"/>
        <source>Record the outcome of the chosen follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="326"/>
        <source>&amp;All ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="326"/>
        <source>All open follow-ups: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="327"/>
        <source>! Overd&amp;ue ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="327"/>
        <source>Overdue: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="328"/>
        <source>Th&amp;is week ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="328"/>
        <source>Due this week: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="329"/>
        <source>Lat&amp;er ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="329"/>
        <source>Due later or undated: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="344"/>
        <source>No open follow-ups for this person or venue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="350"/>
        <source>1 open follow-up, {1} overdue, {2} due this week.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="352"/>
        <source>{0} open follow-ups, {1} overdue, {2} due this week.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="356"/>
        <source>Overdue ones are listed first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="358"/>
        <source>(Only those matching the person or venue chosen.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="189"/>
        <source>Due this week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="346"/>
        <source>No open follow-ups.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="395"/>
        <location filename="../../ui/home/follow_ups.py" line="403"/>
        <source>Choose the outcome first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="400"/>
        <source>Choose a follow-up in the list first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/follow_ups.py" line="424"/>
        <source>Recorded: {0} for {1}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../ui/home/home_page.py" line="57"/>
        <source>Home sections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="58"/>
        <location filename="../../ui/home/home_page.py" line="85"/>
        <location filename="../../ui/home/home_page.py" line="88"/>
        <source>Reviews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="66"/>
        <source>Register a &amp;new person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="67"/>
        <source>Register a new person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="68"/>
        <source>Ctrl+N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="78"/>
        <source>&amp;People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="81"/>
        <source>F&amp;ollow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="83"/>
        <source>Out&amp;box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="88"/>
        <source>Reviews ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="101"/>
        <source>F&amp;ollow-ups ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="104"/>
        <source>Out&amp;box ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="177"/>
        <source>someone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="178"/>
        <source>You have an unfinished check for {0}, started {1}. Continue it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="182"/>
        <source>(Other unfinished checks: {0}. Each is listed with its person.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="190"/>
        <source>Continue the chec&amp;k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="204"/>
        <source>No venue chosen for today: this check will be recorded without a venue. Choose the venue at the top of home first if you can.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="191"/>
        <source>Continue the unfinished check for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/home_page.py" line="194"/>
        <source>Not now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemField</name>
    <message>
        <location filename="../../ui/check/fields.py" line="186"/>
        <source>Problem:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="186"/>
        <source>Check:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LabelledField</name>
    <message>
        <location filename="../../ui/widgets/field.py" line="55"/>
        <source>Problem: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LengthLimit</name>
    <message>
        <location filename="../../ui/widgets/length_limit.py" line="16"/>
        <source>This field holds {0} characters and is full: anything typed or pasted past that was not kept. Shorten it, or keep the rest elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="169"/>
        <location filename="../../ui/main_window.py" line="170"/>
        <source>Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176"/>
        <source>The organisation file could not be read, so the app uses its defaults (offline only). Tell IT: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="250"/>
        <source>My work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <source>My work: home (Ctrl+H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="254"/>
        <source>Review the team&apos;s checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>Review the team&apos;s checks (Ctrl+Shift+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="267"/>
        <location filename="../../ui/main_window.py" line="343"/>
        <source>&amp;Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="268"/>
        <source>Lock the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="269"/>
        <source>Lock now (Ctrl+L). Your work stays as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="300"/>
        <source>Opening...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="287"/>
        <source>Choose your name and type your passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="321"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323"/>
        <source>The app is locked. Everything you were doing is kept as it was. Type your passphrase to carry on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="342"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="344"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="346"/>
        <source>&amp;Work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="347"/>
        <source>&amp;Find a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="349"/>
        <source>&amp;Register a new person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="351"/>
        <source>&amp;Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="353"/>
        <source>Re&amp;views of my checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="356"/>
        <source>Review the &amp;team&apos;s checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="360"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="361"/>
        <source>&amp;High contrast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="368"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="370"/>
        <source>&amp;Check this installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="373"/>
        <source>Copy a &amp;report for IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="376"/>
        <source>Copy versions, settings, the self-test and the log for IT (nothing personal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="378"/>
        <source>&amp;About Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="440"/>
        <source>The store in this folder cannot be opened. Tell IT.
{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="482"/>
        <source>Opening your work...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="508"/>
        <source>Sync: starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="509"/>
        <source>Sync status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="513"/>
        <source>Signed in: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="674"/>
        <source>Leave the check first (Back to home), then open Review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="789"/>
        <source>Making the report for IT...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="806"/>
        <source>The report for IT is on the clipboard: paste it into an email or a ticket. It holds nothing personal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="820"/>
        <source>About Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="822"/>
        <source>Outreach Health Checks {0}

The NHS annual physical health check for people with severe mental illness, offline first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NumberField</name>
    <message>
        <location filename="../../ui/check/fields.py" line="276"/>
        <source>Unit for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="295"/>
        <source>This is unusual: I have checked it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="297"/>
        <source>Confirm the unusual value of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="338"/>
        <source>pounds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="338"/>
        <source>inches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="340"/>
        <location filename="../../ui/check/fields.py" line="342"/>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="343"/>
        <source>stones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/fields.py" line="343"/>
        <source>feet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutboxView</name>
    <message>
        <location filename="../../ui/home/outbox.py" line="50"/>
        <source>Waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="51"/>
        <source>Being sent (checked with the server next time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="52"/>
        <source>Not sent yet: will try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="53"/>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="130"/>
        <source>No shared record is set up for this organisation, so checks stay on this laptop. Ask IT to add the server to the organisation file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="138"/>
        <source>Sending is not available in this version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="168"/>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="169"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="170"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="172"/>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="171"/>
        <source>Finalised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="44"/>
        <source>Refused: needs you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="46"/>
        <source>Held: no consent to share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="48"/>
        <source>Replaced by an amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="98"/>
        <source>Waits for you: amend the check, or press Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="100"/>
        <source>Goes once the person agrees to share.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="102"/>
        <source>Nothing to do: its amendment is sent instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="104"/>
        <source>Tried again by itself after {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="108"/>
        <source>Checked with the shared record at the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="109"/>
        <source>Goes by itself when the shared record can be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="118"/>
        <source>No error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="119"/>
        <source>Not tried yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="173"/>
        <source>What happens next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="183"/>
        <source>Checks waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="190"/>
        <source>About the chosen check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="198"/>
        <source>Try a&amp;gain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="199"/>
        <source>Try sending the chosen check again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="203"/>
        <source>S&amp;ync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="204"/>
        <source>Send waiting checks now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="272"/>
        <location filename="../../ui/home/outbox.py" line="354"/>
        <source>(person not found)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="289"/>
        <source>Nothing is waiting: every finalised check has been sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="291"/>
        <source>Checks waiting to be sent: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="293"/>
        <source>Not sent last time: {0} (the reason is in the list).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="296"/>
        <source>Held until the person agrees to share: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="354"/>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="373"/>
        <source>Put back in the queue: it will be sent at the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/outbox.py" line="396"/>
        <source>Sending...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonForm</name>
    <message>
        <location filename="../../ui/home/person_form.py" line="62"/>
        <source>Register a new person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="76"/>
        <source>&amp;Given name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="78"/>
        <source>Famil&amp;y name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="80"/>
        <source>e.g. 25/03/1980</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="82"/>
        <source>&amp;Date of birth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="82"/>
        <source>Day/month/year, or year-month-day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="86"/>
        <source>Not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="87"/>
        <source>Female</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="88"/>
        <source>Male</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="89"/>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="92"/>
        <source>Se&amp;x</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="94"/>
        <source>e.g. 943 476 5919 (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="96"/>
        <source>NHS n&amp;umber</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="124"/>
        <source>Preferred language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="154"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="157"/>
        <source>Esc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="162"/>
        <source>Save pe&amp;rson</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="219"/>
        <source>Enter the date of birth, e.g. 25/03/1980.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="226"/>
        <source>This date of birth is in the future: check it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="228"/>
        <source>This date of birth is before 1900: check it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="240"/>
        <source>There is no month {0}. Type the day first, then the month: day/month/year, e.g. 25/03/1980.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="247"/>
        <source>{0} {1} has {2} days, so there is no day {3}: check the day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="326"/>
        <source>Enter the person&apos;s given name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="327"/>
        <source>A given name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="332"/>
        <source>Enter the person&apos;s family name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="333"/>
        <source>A family name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="340"/>
        <source>{0} can have at most {1} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="402"/>
        <source>Open {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="98"/>
        <source>Optional. If given, it is checked as you type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="101"/>
        <source>Not asked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="105"/>
        <source>&amp;Ethnic category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="107"/>
        <source>As the person describes it (NHS categories).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="113"/>
        <source>e.g. L81051 (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="115"/>
        <source>GP practice code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="118"/>
        <source>The practice&apos;s code, not its name: a letter and five digits (the ODS code, on NHS letters or from the surgery). Optional.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="123"/>
        <source>e.g. English, Polish, Somali</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="128"/>
        <source>e.g. large print, interpreter, hearing loop, step-free access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="131"/>
        <source>Communication and &amp;access needs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="155"/>
        <source>Cancel registering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="163"/>
        <source>Save person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="210"/>
        <source>Valid NHS number: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="223"/>
        <source>This is not a date. Type it as day/month/year, e.g. 25/03/1980.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="276"/>
        <source>A GP practice code is a letter and five digits, e.g. L81051. Leave it empty if you do not know it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="369"/>
        <source>Checking whether this person is already registered...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="389"/>
        <source>{0}, born {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="390"/>
        <source>, NHS {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="394"/>
        <source>This may be someone already registered:
{0}
Open them instead, or register a new person if this is someone else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="403"/>
        <source>Open the person already registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="406"/>
        <source>Register as a new person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="406"/>
        <source>Register anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_form.py" line="417"/>
        <source>Saving...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonPanel</name>
    <message>
        <location filename="../../ui/home/person_panel.py" line="76"/>
        <source>No one chosen yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="80"/>
        <source>Find a person on the left, or register someone new.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="87"/>
        <source>Checks for this person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="84"/>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="92"/>
        <location filename="../../ui/home/person_panel.py" line="176"/>
        <source>Op&amp;en check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="93"/>
        <source>Open the chosen check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="97"/>
        <source>St&amp;art a new check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="98"/>
        <source>Start a new check for this person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="127"/>
        <source>Born {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="129"/>
        <source>NHS number {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="133"/>
        <source>Ethnic group: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="135"/>
        <source>GP: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="137"/>
        <source>Language: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="139"/>
        <source>Needs: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="141"/>
        <source>Open follow-ups: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="143"/>
        <source>Details of {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="154"/>
        <source>{0}, {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="155"/>
        <source>Finalised {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="158"/>
        <source>Unfinished check, started {0}: continue it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="168"/>
        <source>No checks yet. Start one with the button below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="175"/>
        <source>Continue the unfinished check first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/person_panel.py" line="176"/>
        <source>Contin&amp;ue check</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonSearch</name>
    <message>
        <location filename="../../ui/home/search.py" line="48"/>
        <source>F&amp;ind a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="51"/>
        <source>Name, date of birth (25/03/1980) or NHS number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="52"/>
        <source>Find a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="53"/>
        <source>Type a name, a date of birth or an NHS number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="57"/>
        <location filename="../../ui/home/search.py" line="108"/>
        <source>Type to search.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="61"/>
        <source>People found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="150"/>
        <source>born {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="153"/>
        <source>NHS {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="137"/>
        <source>Found: {0}. Press Down to choose, Enter to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/search.py" line="141"/>
        <source>No one found for “{0}”. Register a new person with Ctrl+N.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReadOnlyCheck</name>
    <message>
        <location filename="../../ui/review/review_screen.py" line="66"/>
        <source>The check as the worker recorded it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="78"/>
        <source>Back to the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="79"/>
        <source>Leave this check and go back to the review queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="83"/>
        <source>Version {0}, finalised {1} by {2}. Shown read-only, exactly as the worker recorded it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <location filename="../../ui/check/results_panel.py" line="38"/>
        <location filename="../../ui/check/results_panel.py" line="41"/>
        <source>Results so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="53"/>
        <source>What the QRISK3 score may miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="78"/>
        <source>BMI classed with the lower thresholds NICE uses for this person&apos;s family background (overweight from 23, obesity from 27.5).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="81"/>
        <source>BMI classed with the standard thresholds (overweight from 25, obesity from 30).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="88"/>
        <source>BMI: {0} kg/m² ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="97"/>
        <source>BMI: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="99"/>
        <source>BMI: needs height and weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="103"/>
        <source>Blood pressure: {0}/{1} mmHg, {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="109"/>
        <source> (reading {0} of {1}: the lower of the last two)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="113"/>
        <source>140/90 or more: take a second reading (NICE NG136).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="115"/>
        <source>The first two readings differ by more than 10 mmHg: take a third.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="118"/>
        <source>Blood pressure: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="120"/>
        <source>Blood pressure: needs systolic and diastolic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="125"/>
        <source>Blood sugar ({0}): {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="129"/>
        <source>Blood sugar: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="132"/>
        <source>Blood sugar: needs HbA1c or a glucose result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="136"/>
        <source>Cholesterol: total/HDL ratio {0}, non-HDL {1} mmol/L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="142"/>
        <source>Cholesterol: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="144"/>
        <source>Cholesterol: needs total and HDL cholesterol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="148"/>
        <source>AUDIT-C: {0} of 12 ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="155"/>
        <source>Full AUDIT: {0} of 40 ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="162"/>
        <source>5 or more: offer the full AUDIT (seven more questions).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="165"/>
        <source>AUDIT-C: needs the three alcohol questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="169"/>
        <source>QRISK3: {0}% risk of a heart attack or stroke in the next 10 years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="174"/>
        <source>Note: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="189"/>
        <source>QRISK3 does not apply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="192"/>
        <source>QRISK3: not calculated yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="193"/>
        <source>Still needed: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="196"/>
        <source>QRISK3: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/results_panel.py" line="196"/>
        <source>not calculated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../ui/check/review_page.py" line="54"/>
        <location filename="../../ui/check/review_page.py" line="60"/>
        <source>Review and finalise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="91"/>
        <source>Print the person&apos;s summary...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="93"/>
        <source>Print preview of the person&apos;s summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="95"/>
        <source>Save the summary as PDF...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="97"/>
        <source>Save the person&apos;s summary as a PDF file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="99"/>
        <source>Large print</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="101"/>
        <source>Large print summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="152"/>
        <source>Reason for the amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="153"/>
        <source>Why it needs amending, e.g. wrong weight entered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="157"/>
        <source>Amend (make a new version)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="160"/>
        <source>Amend the check: start a new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="175"/>
        <source>All six core elements are done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="178"/>
        <source>Core elements not done: {0} of 6.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="183"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="184"/>
        <source>declined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="185"/>
        <source>not possible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="186"/>
        <source>to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="191"/>
        <source> - still needed: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="219"/>
        <source>Correct or confirm: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="226"/>
        <source>Blood pressure: take a third reading (the first two differ by more than {0} mmHg).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="244"/>
        <source>Ready to finalise: read the check below, then press Finalise at the end. After finalising the check cannot be changed; an amendment makes a new version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="263"/>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="270"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="270"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="285"/>
        <source>Confirm finalising</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="286"/>
        <source>Finalise and send: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="200"/>
        <source>No findings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="105"/>
        <source>Finalise the check...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="107"/>
        <source>Finalise the check: first shows what will be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="130"/>
        <source>Finalise and send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="134"/>
        <source>Not yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="136"/>
        <source>Not yet: go back without finalising</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="202"/>
        <source>Findings: {0}. Still needing a follow-up: {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="206"/>
        <source>Findings: {0}, each with a follow-up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="213"/>
        <source>Say whether each element was done, declined or not possible: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/review_page.py" line="238"/>
        <source>Finalise is not possible yet:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewQueueModel</name>
    <message>
        <location filename="../../ui/review/queue_view.py" line="77"/>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="78"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="79"/>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="80"/>
        <source>Visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="81"/>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="82"/>
        <source>Venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="83"/>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="84"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="143"/>
        <source>received {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="111"/>
        <source>! Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="127"/>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="128"/>
        <source>{0} (amended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="132"/>
        <source>Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="134"/>
        <source>NHS number {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="136"/>
        <source>visit {0} by {1} at {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="137"/>
        <source>{0} finding(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="139"/>
        <source>version {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewQueueView</name>
    <message>
        <location filename="../../ui/review/queue_view.py" line="186"/>
        <source>How many checks the queue lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="190"/>
        <source>&amp;State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="194"/>
        <source>Only checks in this state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="203"/>
        <source>Only checks done by this worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="204"/>
        <source>Any worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="207"/>
        <source>Ven&amp;ue:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="211"/>
        <source>Only checks done at this venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="212"/>
        <source>Any venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="199"/>
        <source>Wor&amp;ker:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="215"/>
        <source>Visit fro&amp;m:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="217"/>
        <source>Visits on or after this date (Any: no limit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="221"/>
        <source>&amp;to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="223"/>
        <source>Visits on or before this date (Any: no limit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="227"/>
        <source>Clea&amp;r filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="229"/>
        <source>Clear the filters: every check waiting for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="245"/>
        <source>Checks to review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="260"/>
        <source>! Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="261"/>
        <source>Resubmitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="263"/>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="264"/>
        <source>2 (amended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="274"/>
        <source>Enter or double-click opens the chosen check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="277"/>
        <source>&amp;Open the check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="279"/>
        <source>Open the chosen check to review it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="300"/>
        <source>Any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="301"/>
        <source>Type the date as dd/mm/yyyy, or press Alt+Down for a calendar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="422"/>
        <source>No checks match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="425"/>
        <source>No checks waiting for review. The team&apos;s checks come down from the shared record at each sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="436"/>
        <source>Urgent findings first, then the oldest visits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="430"/>
        <source>any state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="432"/>
        <source>1 check: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="434"/>
        <source>{0} checks: {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/queue_view.py" line="438"/>
        <source>(Only those matching the worker, venue or dates chosen.)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review/review_screen.py" line="115"/>
        <source>Review of a check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="127"/>
        <source>Opening the check...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="163"/>
        <source>About this check: findings and follow-ups, consent, versions and decisions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="174"/>
        <source>Co&amp;mments for the worker (needed to return the check):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="180"/>
        <source>Comments for the worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="181"/>
        <source>What should be checked or changed, e.g. the weight looks wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="190"/>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="192"/>
        <source>Approve this version of the check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="194"/>
        <source>Re&amp;turn with comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="196"/>
        <source>Return the check to the worker with your comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="222"/>
        <source>Not yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="224"/>
        <source>Not yet: go back without deciding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="254"/>
        <source>This check could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="285"/>
        <source>Version {0} has just come in from {1}: it is the one shown now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="313"/>
        <source>version {0} (amended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="315"/>
        <source>version 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="318"/>
        <source>{0}: {1}, {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="320"/>
        <source>! Urgent finding. {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="333"/>
        <source>Returned to {0} with comments{1}. It comes back here when they resubmit it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="335"/>
        <source>Approved{1}. Nothing more to do unless {0} amends it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="336"/>
        <source> on {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="345"/>
        <source>Checked by {0} at {1} on {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="349"/>
        <source>Checked by {0} on {1} (no venue recorded).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="367"/>
        <source>! Urgent: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="381"/>
        <source>Version {0}, finalised {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="386"/>
        <source>Why it was amended: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="392"/>
        <source>{0}: {1} → {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="393"/>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="399"/>
        <source>What changed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="401"/>
        <source>No answer changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="412"/>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="412"/>
        <source>Returned with comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="413"/>
        <source>{0} by {1}, {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="416"/>
        <source> (version {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="421"/>
        <source>Waiting to reach the shared record (next sync).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="428"/>
        <source>Follow-up: none recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="429"/>
        <source>Follow-up: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="431"/>
        <source>, to check by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="434"/>
        <source>. Closed: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="436"/>
        <source>. Still open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="459"/>
        <source>Write your comments for the worker first: they say what to check or change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="464"/>
        <source>Comments can be at most {0} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="470"/>
        <source>Approve version {0} of this check? {1} will see “Approved”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="474"/>
        <source>Your comments go with it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="475"/>
        <source>Yes, approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="478"/>
        <source>Return version {0} to {1} with your comments? They will see “Returned with comments” and can amend the check; it comes back here as resubmitted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="482"/>
        <source>Yes, return it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="515"/>
        <source>Recording your decision...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="553"/>
        <source>Approved. {0} will see it after the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/review_screen.py" line="555"/>
        <source>Returned with your comments. {0} will see them after the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewWorkspace</name>
    <message>
        <location filename="../../ui/review/workspace.py" line="44"/>
        <source>Review workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="55"/>
        <source>Review sections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="56"/>
        <source>Review sections: the queue or the dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="59"/>
        <source>Review &amp;queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="62"/>
        <source>Counting the team&apos;s checks...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="66"/>
        <source>&amp;Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/workspace.py" line="137"/>
        <source>The dashboards could not be counted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewsView</name>
    <message>
        <location filename="../../ui/home/reviews.py" line="43"/>
        <source>Returned with comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="44"/>
        <source>Returned, amended since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="45"/>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="46"/>
        <source>Review withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="55"/>
        <source>Supervisor&apos;s review: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="62"/>
        <source>Earlier reviews of this check: {0} (listed under Reviews).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="79"/>
        <source>No reviews yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="84"/>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="84"/>
        <source>Check of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="84"/>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="84"/>
        <source>Supervisor&apos;s comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="92"/>
        <source>Reviews of your checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="96"/>
        <source>Comme&amp;nts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="99"/>
        <source>The supervisor&apos;s comments on the chosen check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="105"/>
        <source>Open the chec&amp;k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="106"/>
        <source>Open the reviewed check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="139"/>
        <source>No reviews yet. When a supervisor reviews one of your checks, it shows here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="144"/>
        <source>Checks returned to you with comments: {0}. Open one to see it with the comments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="148"/>
        <source>Reviews: {0}. None asks anything of you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="166"/>
        <source>{0}, check of {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="168"/>
        <source>unknown date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="171"/>
        <source>(No comments were written.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="174"/>
        <source>Status given: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/reviews.py" line="176"/>
        <source>Asked of: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SessionBar</name>
    <message>
        <location filename="../../ui/home/session_bar.py" line="37"/>
        <source>Choose or type the venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="38"/>
        <location filename="../../ui/home/session_bar.py" line="39"/>
        <source>Venue today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="28"/>
        <source>Venue &amp;today:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="43"/>
        <source>&amp;Start session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="44"/>
        <source>Start session at this venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="78"/>
        <source>Choose or type the venue first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="107"/>
        <source>No session started yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="110"/>
        <source>Today&apos;s session at {0} carries on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="112"/>
        <source>Session started at {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="113"/>
        <source>&amp;Switch venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/home/session_bar.py" line="114"/>
        <source>Start a session at another venue</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <location filename="../../ui/setup_wizard.py" line="85"/>
        <location filename="../../ui/setup_wizard.py" line="172"/>
        <source>Set up this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="89"/>
        <source>This laptop has no store yet. Set it up once; everything you record is kept encrypted here and unlocked with your passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="97"/>
        <source>Organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="100"/>
        <source>No file: fill in the two settings below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="102"/>
        <location filename="../../ui/setup_wizard.py" line="200"/>
        <source>Choose the organisation file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="101"/>
        <source>&amp;Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="106"/>
        <source>Organisation f&amp;ile from IT (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="108"/>
        <source>If IT gave you an organisation file, choose it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="109"/>
        <source>Organisation file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="124"/>
        <source>Organisation &amp;name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="130"/>
        <source> minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="132"/>
        <source>&amp;Lock after this long without use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="134"/>
        <source>Idle lock minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="139"/>
        <source>First user (administrator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="143"/>
        <source>&amp;Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="145"/>
        <source>You will be the administrator: you can add other workers later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="146"/>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="152"/>
        <source>&amp;Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="154"/>
        <source>At least {0} characters. A few unrelated words make a good one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="157"/>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="163"/>
        <source>Passphrase &amp;again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="163"/>
        <source>Passphrase again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="171"/>
        <source>&amp;Set up this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="202"/>
        <source>Organisation file (*.toml);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="228"/>
        <source>Read: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="234"/>
        <source>This file cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="255"/>
        <source>Setting up the encrypted store. This takes a few seconds...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="271"/>
        <source>This file has not been read yet, or cannot be read. Fix it, or clear the box and fill in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="283"/>
        <source>Enter the organisation&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="290"/>
        <source>Enter your name as you want to pick it when unlocking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="297"/>
        <source>A passphrase needs at least {0} characters. A few unrelated words make a good one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="303"/>
        <source>The two passphrases are different. Type it again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <location filename="../../ui/start_window.py" line="74"/>
        <location filename="../../ui/start_window.py" line="121"/>
        <location filename="../../ui/start_window.py" line="127"/>
        <source>Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="76"/>
        <source>Outreach Health Checks start window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="83"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="84"/>
        <location filename="../../ui/start_window.py" line="180"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="91"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="92"/>
        <location filename="../../ui/start_window.py" line="171"/>
        <source>&amp;Check this installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="95"/>
        <source>&amp;About Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="117"/>
        <source>Outreach Health Checks logo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="131"/>
        <source>The annual physical health check for people with severe mental illness, kept safe on this laptop and shared when you are back online.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="137"/>
        <source>About this app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="142"/>
        <location filename="../../ui/start_window.py" line="143"/>
        <source>This laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="147"/>
        <source>Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="147"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="151"/>
        <source>Not read: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="153"/>
        <source>Organisation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="153"/>
        <source>Organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="158"/>
        <source>None found: built-in defaults (works offline only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="161"/>
        <source>Organisation file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="161"/>
        <source>Organisation file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="164"/>
        <source>Data folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="164"/>
        <source>Data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="166"/>
        <source>Encrypted store found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="166"/>
        <source>Not set up yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="167"/>
        <source>Store:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="167"/>
        <source>Store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="172"/>
        <source>Check this installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="174"/>
        <source>Tests encryption, the database and the bundled files, and lists the results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="181"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="189"/>
        <source>Installation check results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="190"/>
        <source>Results of the installation check appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="220"/>
        <source>Checking ...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="235"/>
        <source>OK (this window)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="238"/>
        <source>Problems found: {0}. Tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="240"/>
        <source>Everything works.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="254"/>
        <source>About Outreach Health Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="256"/>
        <source>Outreach Health Checks {0}

The NHS annual physical health check for people with severe mental illness, offline first.

QRISK3-2017 is used under the GNU LGPL; QRISK3 scores are an aid to, not a replacement for, clinical judgement.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryPreviewDialog</name>
    <message>
        <location filename="../../ui/summary_preview.py" line="59"/>
        <source>Summary for the person: print preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="60"/>
        <source>Print preview of the summary for the person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="66"/>
        <location filename="../../ui/summary_preview.py" line="130"/>
        <source>Page preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="69"/>
        <source>&amp;Large print</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="73"/>
        <source>Ctrl+Shift+L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="74"/>
        <source>Large print: bigger text, on two pages (Ctrl+Shift+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="81"/>
        <source>Preview tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="90"/>
        <source>Heart health score: worked out with QRISK3-2017. Licence note from its makers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="100"/>
        <source>QRISK3 licence note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="126"/>
        <location filename="../../ui/summary_preview.py" line="128"/>
        <source>Zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="126"/>
        <source>Page number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/summary_preview.py" line="148"/>
        <source>Print the summary</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../ui/sync_controller.py" line="74"/>
        <source>{0} at {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="170"/>
        <source>Sync is not set up: checks stay on this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="195"/>
        <source>Locked: sync waits until you unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="294"/>
        <location filename="../../ui/sync_controller.py" line="394"/>
        <source>Sending and receiving...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="300"/>
        <source>Sending: {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="302"/>
        <source>Receiving reviews and updates...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="340"/>
        <source>an unexpected problem (logged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="397"/>
        <source>Sync stopped: this laptop&apos;s access was withdrawn — contact IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="399"/>
        <source>Sync stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="402"/>
        <source>Offline: nothing is waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="404"/>
        <source>Offline: 1 check waiting, it will go when you are back online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="405"/>
        <source>Offline: {0} checks waiting, they will go when you are back online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="409"/>
        <source>The last sync did not finish: {0} It will try again by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="413"/>
        <source>Last synced {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="415"/>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="417"/>
        <source>nothing waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="417"/>
        <source>{0} waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_controller.py" line="420"/>
        <source>{0} need you (see the Outbox)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TextField</name>
    <message>
        <location filename="../../ui/check/fields.py" line="519"/>
        <source>e.g. 31/03/2027</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnlockPanel</name>
    <message>
        <location filename="../../ui/unlock.py" line="50"/>
        <location filename="../../ui/unlock.py" line="79"/>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="62"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="62"/>
        <source>Who are &amp;you?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="69"/>
        <source>&amp;Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="69"/>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="78"/>
        <location filename="../../ui/unlock.py" line="187"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="117"/>
        <location filename="../../ui/unlock.py" line="118"/>
        <source>Opening the store...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="132"/>
        <source>Choose your name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="135"/>
        <source>Type your passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="140"/>
        <source>Checking your passphrase...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="189"/>
        <source>You can try again now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/unlock.py" line="194"/>
        <source>Wait {0} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>YesNo</name>
    <message>
        <location filename="../../ui/check/consent_page.py" line="45"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="46"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="49"/>
        <source>{0}: yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/check/consent_page.py" line="50"/>
        <source>{0}: no</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <location filename="../../ui/crash.py" line="30"/>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="31"/>
        <source>Outreach Health Checks ran into a problem it did not expect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="32"/>
        <source>Your saved work is safe. You can carry on; if the app misbehaves, close it and open it again. If this keeps happening, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="37"/>
        <source>Details for IT (without any personal information) are in the log file:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="76"/>
        <source>The check definition has a problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="77"/>
        <source>Tell your clinical lead or IT; checks already saved are not affected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="83"/>
        <source>Please check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="84"/>
        <source>Correct the value and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="90"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="91"/>
        <source>Unlock it with your passphrase to carry on. Your work is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="97"/>
        <source>Could not sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="98"/>
        <source>Check the user and passphrase. If this laptop was reported lost, ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="106"/>
        <source>Not sent yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="107"/>
        <source>Your work is saved on this laptop and will be sent when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="115"/>
        <source>Changed by someone else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="116"/>
        <source>Look at the other changes, then decide what to keep.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="122"/>
        <source>The laptop&apos;s disk is full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="123"/>
        <source>Nothing already saved was lost. Ask IT to free some space, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="131"/>
        <source>Update needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="132"/>
        <source>Ask IT to install the latest version of the app on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="138"/>
        <source>One record cannot be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="139"/>
        <source>The rest of your work is safe. Tell IT; the log has the details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="145"/>
        <source>Could not open or save the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="146"/>
        <source>Nothing already saved was lost. Try again; if it keeps happening, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="151"/>
        <source>Cannot do that</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="154"/>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="155"/>
        <source>Something went wrong and this did not finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="156"/>
        <source>Your saved work is safe. If it happens again, tell IT: the log file has the details.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
