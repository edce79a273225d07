package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteUrlPolicyTest {

    @Test
    void httpsAnywhere_andPlainHttpOnlyToThisComputer() {
        for (String ok : new String[] {"https://abc.execute-api.eu-west-1.amazonaws.com/dev", "https://10.0.0.5:8443/x",
                "http://localhost:4566/restapis/x/local/_user_request_", "http://127.0.0.1:3000/local",
                "http://127.1.2.3/x", "http://[::1]:4566/", "http://api.localhost/"}) {
            assertEquals(Optional.empty(), RemoteUrlPolicy.refusal(ok), ok);
        }
        for (String lan : new String[] {"http://192.168.1.10:4566/", "http://drive.example.com/dev",
                "http://127.0.0.1.evil.example/", "http://128.0.0.1/", "http://localhost.example.com/"}) {
            assertTrue(RemoteUrlPolicy.refusal(lan).orElseThrow().startsWith("Use https for a remote API"), lan);
        }
        assertTrue(RemoteUrlPolicy.refusal("").orElseThrow().startsWith("Enter the API's URL"));
        assertTrue(RemoteUrlPolicy.refusal("ftp://example.com/").orElseThrow().startsWith("Enter an https URL"));
        assertTrue(RemoteUrlPolicy.refusal("https://").orElseThrow().startsWith("This is not a URL")
                || RemoteUrlPolicy.refusal("https://").orElseThrow().startsWith("Enter an https URL"));
        assertTrue(RemoteUrlPolicy.refusal("https://me:secret@example.com/").orElseThrow().startsWith("Leave the"));
    }
}
