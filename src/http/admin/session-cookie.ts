/** The dashboard session cookie: HttpOnly, SameSite=Strict, limited to /admin, Secure over HTTPS. */
export const SESSION_COOKIE = 'erpbtp_admin';
