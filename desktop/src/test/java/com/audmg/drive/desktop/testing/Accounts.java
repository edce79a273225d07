package com.audmg.drive.desktop.testing;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;

/** Account set-up for tests against the local cloud. */
public final class Accounts {

    private Accounts() {
    }

    /**
     * Signs up and logs in. A gateway error (a cold Lambda worker past its timeout on a loaded machine) is answered
     * by sending again, up to three times: the sign-up itself is tested elsewhere.
     */
    public static void signUpAndLogIn(DriveClient client, String user, String password) throws ApiException {
        signUp(client, user, password);
        for (int attempt = 1; ; attempt++) {
            try {
                client.login(user, password);
                return;
            } catch (ApiException e) {
                if (e.status() < 500 || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Signs up, sending again on a gateway error (up to three times); a 409 after a retry is the first one's. */
    public static void signUp(DriveClient client, String user, String password) throws ApiException {
        for (int attempt = 1; ; attempt++) {
            try {
                client.signUp(user, password);
                return;
            } catch (ApiException e) {
                if (attempt > 1 && e.status() == 409) {
                    return; // the earlier attempt went through after all
                }
                if (e.status() < 500 || attempt == 3) {
                    throw e;
                }
            }
        }
    }
}
