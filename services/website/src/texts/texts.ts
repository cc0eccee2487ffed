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
  profile: {
    title: string;
    publicTitle: (name: string) => string;
    xp: string;
    rank: string;
    nextRank: (name: string, missing: number) => string;
    topRank: string;
    coins: string;
    seasonXp: string;
    stats: string;
    gamesPlayed: string;
    gamesWon: string;
    messagesSent: string;
    voiceTime: string;
    voiceHours: (hours: number, minutes: number) => string;
    dailyStreak: string;
    achievements: string;
    noAchievements: string;
    platforms: string;
    linked: string;
    notLinked: string;
    unlink: string;
    link: string;
    activity: string;
    noActivity: string;
    via: (platform: string) => string;
    hidden: string;
    unnamed: string;
  };
  linking: {
    title: string;
    lead: string;
    codeTitle: string;
    codeExplain: (minutes: number) => string;
    createCode: string;
    yourCode: string;
    codeExpires: (time: string) => string;
    telegramDeepLink: string;
    redeemTitle: string;
    redeemExplain: string;
    code: string;
    redeem: string;
    invalidCode: string;
    tooManyAttempts: (minutes: number) => string;
    busy: string;
    confirmTitle: string;
    confirmMerge: string;
    confirmAttach: string;
    otherAccount: string;
    keepsYours: string;
    keepsTheirs: string;
    mergedTotals: (xp: number, coins: number) => string;
    confirm: string;
    cancel: string;
    linked: string;
    merged: string;
    alreadyLinked: string;
    platformTaken: (platform: string) => string;
    conflict: (platforms: string) => string;
    invalidToken: string;
    cancelled: string;
    unlinked: string;
    lastIdentity: string;
    telegramTitle: string;
    telegramExplain: string;
    telegramOff: string;
    telegramConfirm: (name: string) => string;
    telegramLinkButton: string;
    telegramInvalid: string;
    discordTitle: string;
    discordLink: string;
    discordLinkedRoles: string;
  };
  settings: {
    title: string;
    notifications: string;
    notificationsExplain: string;
    notificationsNone: string;
    save: string;
    saved: string;
    password: string;
    changePassword: string;
    linkedRoles: string;
    linkedRolesExplain: string;
    linkedRolesConnect: string;
    privacy: string;
    hidePage: string;
    anonymous: string;
    yourData: string;
    yourDataExplain: string;
    passwordAgain: string;
    passwordAgainHint: string;
    download: string;
    deleteTitle: string;
    deleteExplain: string;
    deleteConfirm: string;
    deleteButton: string;
    reauthFailed: string;
  };
}
