; Inno Setup script: the Windows installer of Outreach Health Checks.
;
; Built by CI (.github/workflows/bundles.yml) from the PyInstaller bundle, with Inno Setup 6:
;
;   iscc /DAppVersion=0.1.0 /DBundleDir=C:\path\to\dist\outreach packaging\windows\outreach.iss
;
; It installs the bundle for all users under Program Files, a Start menu entry, and, when the
; organisation file is given, the machine-wide organisation file the app reads when no closer one
; exists (outreach/settings.py: %ProgramData%\Outreach Health Checks\organisation.toml).
;
; Silent install by IT (software distribution, Intune, SCCM), with the organisation's file:
;
;   outreach-health-checks-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ORGFILE="\\server\it\organisation.toml"
;
; /ORGFILE= copies that file to %ProgramData%\Outreach Health Checks\organisation.toml, replacing
; the one there. Without /ORGFILE= an existing file is left as it is (so an upgrade keeps it).
; A named file that does not exist stops the install before anything is copied (exit code 1,
; and the reason is in the /LOG file).
;
; Uninstalling removes the program only. It never touches the users' data (the encrypted store
; in each user's %LOCALAPPDATA%\OutreachHealthChecks) nor the organisation file in %ProgramData%.
;
; Code signing is the organisation's step: see docs/install.md ("Windows installer").

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 ...
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\outreach"
#endif

#define AppName "Outreach Health Checks"
#define ConfigFolder "Outreach Health Checks"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{5C0E8C0B-7E3B-4C39-9E0F-2B4A3D6F9A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=Output
OutputBaseFilename=outreach-health-checks-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\outreach.ico
UninstallDisplayIcon={app}\outreach.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Files of a running copy are in use: ask it to close (IT: /CLOSEAPPLICATIONS in silent mode).
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundle as a whole: files a newer version no longer has must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\resources\organisation.example.toml"; DestDir: "{app}"; Flags: ignoreversion
; The organisation file IT names with /ORGFILE=, copied at install time ("external"); never uninstalled.
Source: "{code:OrgFileSource}"; DestDir: "{commonappdata}\{#ConfigFolder}"; DestName: "organisation.toml"; Flags: external ignoreversion uninsneveruninstall; Check: OrgFileGiven

[Dirs]
Name: "{commonappdata}\{#ConfigFolder}"; Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\outreach.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\outreach.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\outreach.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  OrgFile: String;

{ The value of /ORGFILE=path (also "/ORGFILE=path with spaces" in quotes), or '' when not given. }
function OrgFileParameter(): String;
var
  I: Integer;
  Arg: String;
begin
  Result := '';
  for I := 1 to ParamCount do
  begin
    Arg := ParamStr(I);
    if CompareText(Copy(Arg, 1, 9), '/ORGFILE=') = 0 then
      Result := RemoveQuotes(Copy(Arg, 10, Length(Arg) - 9));
  end;
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  OrgFile := OrgFileParameter();
  if OrgFile <> '' then
  begin
    OrgFile := ExpandFileName(OrgFile);
    if not FileExists(OrgFile) then
    begin
      Log('The organisation file named by /ORGFILE= does not exist: ' + OrgFile);
      SuppressibleMsgBox('The organisation file named by /ORGFILE= does not exist:' + #13#10 + OrgFile,
        mbCriticalError, MB_OK, IDOK);
      Result := False;
    end;
  end;
end;

{ For the [Files] entry: where to copy the organisation file from. }
function OrgFileSource(Param: String): String;
begin
  Result := OrgFile;
end;

function OrgFileGiven(): Boolean;
begin
  Result := OrgFile <> '';
end;
