<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
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
    <name>crash</name>
    <message>
        <location filename="../../ui/crash.py" line="22"/>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="23"/>
        <source>Outreach Health Checks ran into a problem it did not expect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="24"/>
        <source>Your saved work is safe. You can carry on; if the app misbehaves, close it and open it again. If this keeps happening, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="29"/>
        <source>Details for IT (without any personal information) are in the log file:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="75"/>
        <source>The check definition has a problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="76"/>
        <source>Tell your clinical lead or IT; checks already saved are not affected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="82"/>
        <source>Please check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="83"/>
        <source>Correct the value and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="89"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="90"/>
        <source>Unlock it with your passphrase to carry on. Your work is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="96"/>
        <source>Could not sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="97"/>
        <source>Check the user and passphrase. If this laptop was reported lost, ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="105"/>
        <source>Not sent yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="106"/>
        <source>Your work is saved on this laptop and will be sent when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="114"/>
        <source>Changed by someone else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="115"/>
        <source>Look at the other changes, then decide what to keep.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="121"/>
        <source>The laptop&apos;s disk is full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="122"/>
        <source>Nothing already saved was lost. Ask IT to free some space, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="130"/>
        <source>Update needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="131"/>
        <source>Ask IT to install the latest version of the app on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="137"/>
        <source>One record cannot be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="138"/>
        <source>The rest of your work is safe. Tell IT; the log has the details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="144"/>
        <source>Could not open or save the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="145"/>
        <source>Nothing already saved was lost. Try again; if it keeps happening, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="150"/>
        <source>Cannot do that</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="153"/>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="154"/>
        <source>Something went wrong and this did not finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="155"/>
        <source>Your saved work is safe. If it happens again, tell IT: the log file has the details.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
