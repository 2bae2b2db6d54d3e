package health.ductcare.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bearer-token verification: what is accepted, and every way a token is refused with 401. */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class TokenVerificationTest {

    private static final String SCOPE = "user/*.rs";

    private static ValidatableResponse searchWith(String token) {
        return given().header("Authorization", "Bearer " + token).accept("application/fhir+json")
                .when().get("/fhir/Patient").then();
    }

    private static void assertUnauthorized(ValidatableResponse response) {
        response.statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType(containsString("application/fhir+json"))
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].code", equalTo("login"));
    }

    @AfterEach
    void serviceStillAnswers() {
        searchWith(Tokens.user(SCOPE)).statusCode(200);
    }

    @Test
    void acceptsRs256AndEs256TokensFromTheConfiguredIssuer() {
        searchWith(Tokens.rs256(Tokens.claims("clinician-1", SCOPE, null)))
                .statusCode(200).body("resourceType", equalTo("Bundle"));
        searchWith(Tokens.es256(Tokens.claims("clinician-1", SCOPE, null)))
                .statusCode(200).body("resourceType", equalTo("Bundle"));
    }

    @Test
    void acceptsTheDevelopmentToolsTokens() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", SecurityTestProfile.ISSUER);
        claims.put("aud", SecurityTestProfile.AUDIENCE);
        claims.put("sub", "dev-user");
        claims.put("scope", SCOPE);
        claims.put("iat", now);
        claims.put("exp", now + 60);
        searchWith(DevTokens.sign(claims, TestKeys.rsaPrivate(), TestKeys.RSA_KID)).statusCode(200);
    }

    @Test
    void missingTokenIs401WithBearerChallenge() {
        assertUnauthorized(given().accept("application/fhir+json").when().get("/fhir/Patient").then());
        assertUnauthorized(given().accept("application/fhir+json").when().get("/fhir/Patient/123").then());
        assertUnauthorized(given().contentType("application/fhir+json").body("{\"resourceType\":\"Patient\"}")
                .when().post("/fhir/Patient").then());
    }

    @Test
    void otherAuthorizationSchemesAre401() {
        assertUnauthorized(given().header("Authorization", "Basic dXNlcjpwYXNz").when().get("/fhir/Patient").then());
        assertUnauthorized(given().header("Authorization", "Bearer").when().get("/fhir/Patient").then());
    }

    @Test
    void garbageTokenIs401() {
        assertUnauthorized(searchWith("not.a.jwt"));
        assertUnauthorized(searchWith("abc"));
    }

    @Test
    void expiredTokenIs401() {
        Instant past = Instant.now().minusSeconds(3600);
        assertUnauthorized(searchWith(Tokens.rs256(Tokens.claims("clinician-1", SCOPE, null)
                .issuedAt(past.minusSeconds(600)).expiresAt(past))));
    }

    @Test
    void notYetValidTokenIs401() {
        Instant future = Instant.now().plusSeconds(1800);
        assertUnauthorized(searchWith(Tokens.rs256(Tokens.claims("clinician-1", SCOPE, null)
                .claim("nbf", future.getEpochSecond()).expiresAt(future.plusSeconds(600)))));
    }

    @Test
    void wrongIssuerIs401() {
        assertUnauthorized(searchWith(Tokens.rs256(Tokens.claims("clinician-1", SCOPE, null)
                .issuer("https://evil.test/issuer"))));
    }

    @Test
    void wrongAudienceIs401() {
        assertUnauthorized(searchWith(Tokens.rs256(Tokens.claims("clinician-1", SCOPE, null)
                .audience("some-other-api"))));
    }

    @Test
    void badSignatureIs401() {
        PrivateKey stranger = TestKeys.strangerRsaPrivate();
        assertUnauthorized(searchWith(Tokens.signedBy(stranger, Tokens.claims("clinician-1", SCOPE, null))));
        String valid = Tokens.user(SCOPE);
        String tampered = valid.substring(0, valid.lastIndexOf('.') + 1)
                + new StringBuilder(valid.substring(valid.lastIndexOf('.') + 1)).reverse();
        assertUnauthorized(searchWith(tampered));
    }

    @Test
    void tamperedPayloadIs401() {
        String valid = Tokens.patient("a", "patient/*.rs");
        String[] parts = valid.split("\\.");
        String forged = parts[0] + "." + TestKeys.b64(Tokens.payload("system/*.cruds")) + "." + parts[2];
        assertUnauthorized(searchWith(forged));
    }

    @Test
    void unsignedAlgNoneTokenIs401() {
        assertUnauthorized(searchWith(Tokens.unsigned("system/*.cruds")));
    }

    @Test
    void hmacSignedWithThePublicKeyIs401() throws Exception {
        assertUnauthorized(searchWith(Tokens.hmacWithPublicKey("system/*.cruds", true)));
        assertUnauthorized(searchWith(Tokens.hmacWithPublicKey("system/*.cruds", false)));
    }

    @Test
    void refusalsDoNotExplainTheTokenBack() {
        Instant past = Instant.now().minusSeconds(3600);
        given().header("Authorization", "Bearer " + Tokens.rs256(Tokens.claims("clinician-1", SCOPE, "secret-patient-id")
                        .issuedAt(past.minusSeconds(600)).expiresAt(past)))
                .when().get("/fhir/Patient")
                .then().statusCode(401).body(not(containsString("secret-patient-id")));
    }

    @Test
    void capabilityStatementAndSmartDiscoveryArePublic() {
        given().accept("application/fhir+json").when().get("/fhir/metadata")
                .then().statusCode(200)
                .body("rest[0].security.service[0].coding[0].code", equalTo("SMART-on-FHIR"))
                .body("rest[0].security.cors", equalTo(true))
                .body("rest[0].security.extension[0].url", equalTo(SmartConfiguration.OAUTH_URIS))
                .body("rest[0].security.extension[0].extension.url", hasItem("authorize"))
                .body("rest[0].security.extension[0].extension.valueUri", hasItem("https://auth.test/token"));
        for (String path : new String[] {"/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration"}) {
            given().when().get(path)
                    .then().statusCode(200)
                    .contentType(containsString("application/json"))
                    .body("issuer", equalTo(SecurityTestProfile.ISSUER))
                    .body("authorization_endpoint", equalTo("https://auth.test/authorize"))
                    .body("token_endpoint", equalTo("https://auth.test/token"))
                    .body("capabilities", hasItem("permission-v2"))
                    .body("capabilities", hasItem("context-standalone-patient"))
                    .body("scopes_supported", hasItem("patient/*.rs"))
                    .body("grant_types_supported", hasItem("authorization_code"));
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
