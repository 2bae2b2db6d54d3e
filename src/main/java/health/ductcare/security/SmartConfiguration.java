package health.ductcare.security;

import jakarta.inject.Singleton;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * What this server tells clients about its authorization, from configuration: the SMART discovery document
 * ({@code .well-known/smart-configuration}) and the CapabilityStatement's {@code rest.security}.
 */
@Singleton
public class SmartConfiguration {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    static final String SECURITY_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service";

    private final boolean enabled;
    private final Optional<String> issuer;
    private final Optional<String> authorizationEndpoint;
    private final Optional<String> tokenEndpoint;
    private final Optional<String> jwksUri;
    private final List<String> capabilities;
    private final List<String> scopesSupported;
    private final List<String> grantTypes;
    private final boolean cors;

    public SmartConfiguration(
            @ConfigProperty(name = "ductcare.security.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer,
            @ConfigProperty(name = "ductcare.security.smart.authorization-endpoint") Optional<String> authorizationEndpoint,
            @ConfigProperty(name = "ductcare.security.smart.token-endpoint") Optional<String> tokenEndpoint,
            @ConfigProperty(name = "ductcare.security.smart.jwks-uri") Optional<String> jwksUri,
            @ConfigProperty(name = "ductcare.security.smart.capabilities") List<String> capabilities,
            @ConfigProperty(name = "ductcare.security.smart.scopes-supported") List<String> scopesSupported,
            @ConfigProperty(name = "ductcare.security.smart.grant-types") List<String> grantTypes,
            @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false") boolean cors) {
        this.enabled = enabled;
        this.issuer = issuer.filter(value -> !"NONE".equals(value));
        this.authorizationEndpoint = authorizationEndpoint;
        this.tokenEndpoint = tokenEndpoint;
        this.jwksUri = jwksUri.filter(uri -> uri.startsWith("https://") || uri.startsWith("http://"));
        this.capabilities = capabilities;
        this.scopesSupported = scopesSupported;
        this.grantTypes = grantTypes;
        this.cors = cors;
    }

    /** The SMART App Launch discovery document (conformance.html#using-well-known). */
    public String discoveryDocument() {
        JsonObjectBuilder json = Json.createObjectBuilder();
        issuer.ifPresent(value -> json.add("issuer", value));
        jwksUri.ifPresent(value -> json.add("jwks_uri", value));
        authorizationEndpoint.ifPresent(value -> json.add("authorization_endpoint", value));
        tokenEndpoint.ifPresent(value -> json.add("token_endpoint", value));
        json.add("grant_types_supported", array(grantTypes));
        json.add("token_endpoint_auth_methods_supported",
                array(List.of("private_key_jwt", "client_secret_basic")));
        json.add("scopes_supported", array(scopesSupported));
        json.add("response_types_supported", array(List.of("code")));
        json.add("capabilities", array(capabilities));
        json.add("code_challenge_methods_supported", array(List.of("S256")));
        return json.build().toString();
    }

    /** The CapabilityStatement's rest.security: SMART-on-FHIR with its OAuth endpoints. */
    public CapabilityStatementRestSecurityComponent restSecurity() {
        CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent();
        security.setCors(cors);
        if (!enabled) {
            return security.setDescription("Authorization is DISABLED on this server (development only)");
        }
        CodeableConcept service = new CodeableConcept();
        service.addCoding().setSystem(SECURITY_SERVICE).setCode("SMART-on-FHIR").setDisplay("SMART-on-FHIR");
        security.addService(service)
                .setDescription("OAuth 2.0 bearer tokens (SMART App Launch v2 scopes, v1 accepted); see "
                        + ".well-known/smart-configuration");
        Extension oauthUris = new Extension(OAUTH_URIS);
        authorizationEndpoint.ifPresent(uri -> oauthUris.addExtension("authorize", new UriType(uri)));
        tokenEndpoint.ifPresent(uri -> oauthUris.addExtension("token", new UriType(uri)));
        if (oauthUris.hasExtension()) {
            security.addExtension(oauthUris);
        }
        return security;
    }

    public boolean isEnabled() {
        return enabled;
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }
}
