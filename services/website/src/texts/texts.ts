/** Every sentence the website shows, in each language (names of ranks, achievements and platforms come from the shared catalogue). */
export interface Texts {
  siteName: string;
  skipToContent: string;
  nav: { home: string; profile: string; link: string; settings: string; login: string; signup: string; logout: string };
  language: { label: string; switchTo: string };
  home: {
    title: string;
    lead: string;
    top: string;
    nobody: string;
    position: string;
    player: string;
    xp: string;
    anonymous: string;
  };
  errors: Record<
    | 'bad_request'
    | 'unauthorized'
    | 'forbidden'
    | 'csrf_failed'
    | 'not_found'
    | 'conflict'
    | 'too_many_attempts'
    | 'unavailable'
    | 'internal',
    string
  >;
  errorTitle: string;
  backHome: string;
  accounts: {
    loginTitle: string;
    signupTitle: string;
    email: string;
    password: string;
    newPassword: string;
    currentPassword: string;
    passwordHint: (min: number) => string;
    displayName: string;
    loginButton: string;
    signupButton: string;
    orDiscord: string;
    noAccount: string;
    haveAccount: string;
    wrongCredentials: string;
    tooManyAttempts: (minutes: number) => string;
    emailInvalid: string;
    emailTaken: string;
    passwordTooShort: (min: number) => string;
    passwordTooLong: (max: number) => string;
    passwordCommon: string;
    passwordSameAsEmail: string;
    changePasswordTitle: string;
    changePasswordButton: string;
    passwordChanged: string;
    loggedOut: string;
    discordFailed: string;
    discordOff: string;
  };
}
