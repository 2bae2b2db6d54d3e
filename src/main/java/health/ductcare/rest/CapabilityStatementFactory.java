package health.ductcare.rest;

import health.ductcare.operation.Operations;
import health.ductcare.search.SearchParameterInfo;
import health.ductcare.service.ReadOnlyResources;
import health.ductcare.search.SearchService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.security.SmartConfiguration;
import health.ductcare.service.ResourceTypes;
import health.ductcare.support.Lazy;
import health.ductcare.fhir.FhirWriter;
import health.ductcare.fhir.ResponseOptions;
import jakarta.inject.Singleton;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * The CapabilityStatement, assembled from the parts of the server that do the work (types, search
 * parameters), so it cannot drift from the code.
 */
@Singleton
public class CapabilityStatementFactory {

    private final ResourceTypes types;
    private final SearchService search;
    private final String softwareVersion;
    private final Date started = new Date();
    private final SmartConfiguration smart;
    private final Lazy<CapabilityStatement> template = Lazy.of(this::assemble);
    private final FhirWriter writer;

    /**
     * Encodings of the statement with {@link #BASE_URL_PLACEHOLDER} as its implementation URL, by response options
     * without {@code _elements} (at most 2 formats x pretty or not x 5 summary modes).
     */
    private final Map<ResponseOptions, String> encodedTemplates = new ConcurrentHashMap<>();
    /** Encoded statements by base URL and response options; bounded, as both come from the request. */
    private final Map<EncodingKey, String> encoded = new ConcurrentHashMap<>();
    private static final int MAX_ENCODINGS = 32;
    private static final String BASE_URL_PLACEHOLDER = "urn:ductcare:capability-statement:base-url";
    /** Base URLs that JSON and XML both write as they are, with nothing to escape. */
    private static final Pattern VERBATIM_URL = Pattern.compile("[A-Za-z0-9:/._~%\\-\\[\\]@!$()*+,;=]+");

    private record EncodingKey(String baseUrl, ResponseOptions options) {
    }

    public CapabilityStatementFactory(ResourceTypes types, SearchService search, SmartConfiguration smart,
            FhirWriter writer, @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String softwareVersion) {
        this.types = types;
        this.smart = smart;
        this.search = search;
        this.softwareVersion = softwareVersion;
        this.writer = writer;
    }

    /**
     * Builds and encodes the statement as JSON now, if nobody has yet: the first build loads the model of every
     * resource type and the first encoding runs the encoder cold, together about half a second after the
     * server starts listening ({@code StartupWarmUp} calls this in the background at start-up).
     */
    public void prepare() {
        encodedTemplate(ResponseOptions.DEFAULT_JSON);
    }

    /**
     * The statement for {@code baseUrl}, encoded as {@code options} ask. It does not change while the process runs
     * (its date is the start time), so encodings are kept: the statement is 146 types with all their search
     * parameters, about 800 KB. The statement differs between base URLs only in {@code implementation.url}, so a
     * new base URL takes the encoding made for another with the URL put in, when it is one that needs no escaping.
     */
    public String encoded(String baseUrl, ResponseOptions options) {
        EncodingKey key = new EncodingKey(baseUrl, options);
        String cached = encoded.get(key);
        if (cached != null) {
            return cached;
        }
        String encoding = options.elements().isEmpty() && VERBATIM_URL.matcher(baseUrl).matches()
                ? encodedTemplate(options).replace(BASE_URL_PLACEHOLDER, baseUrl)
                : writer.encode(build(baseUrl), options);
        if (encoded.size() < MAX_ENCODINGS) {
            encoded.putIfAbsent(key, encoding);
        }
        return encoding;
    }

    private String encodedTemplate(ResponseOptions options) {
        return encodedTemplates.computeIfAbsent(options, o -> writer.encode(build(BASE_URL_PLACEHOLDER), o));
    }

    /** The statement for clients that reach the server at {@code baseUrl}; a fresh copy, free to change. */
    public CapabilityStatement build(String baseUrl) {
        CapabilityStatement statement = template.get().copy();
        statement.getImplementation().setUrl(baseUrl);
        return statement;
    }

    private static final Set<TypeRestfulInteraction> READ_INTERACTIONS = Set.of(TypeRestfulInteraction.READ,
            TypeRestfulInteraction.VREAD, TypeRestfulInteraction.SEARCHTYPE, TypeRestfulInteraction.HISTORYINSTANCE,
            TypeRestfulInteraction.HISTORYTYPE);

    private CapabilityStatement assemble() {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setDate(started)
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .setPublisher("DuctCare")
                .setName("DuctCare")
                .setTitle("DuctCare FHIR R4 server")
                .addFormat("application/fhir+json").addFormat("application/fhir+xml")
                .addFormat("json").addFormat("xml")
                .addPatchFormat("application/json-patch+json")
                .addPatchFormat("application/fhir+json").addPatchFormat("application/fhir+xml");
        statement.getSoftware().setName("DuctCare").setVersion(softwareVersion);
        statement.getImplementation().setDescription("DuctCare: blocked-milk-duct physical-therapy care plans");
        CapabilityStatementRestComponent rest = statement.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.setSecurity(smart.restSecurity());
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.HISTORYSYSTEM);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        for (String type : types.all()) {
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type)
                    .setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE)
                    .setReadHistory(true)
                    .setUpdateCreate(true)
                    .setConditionalRead(CapabilityStatement.ConditionalReadStatus.FULLSUPPORT)
                    .setConditionalCreate(true)
                    .setConditionalUpdate(true)
                    .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.SINGLE);
            // References are taken as written and resolved locally; the target need not exist (not "enforced").
            resource.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LITERAL)
                    .addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LOCAL);
            for (TypeRestfulInteraction interaction : new TypeRestfulInteraction[] {TypeRestfulInteraction.READ,
                    TypeRestfulInteraction.VREAD, TypeRestfulInteraction.UPDATE, TypeRestfulInteraction.DELETE,
                    TypeRestfulInteraction.HISTORYINSTANCE, TypeRestfulInteraction.HISTORYTYPE,
                    TypeRestfulInteraction.CREATE, TypeRestfulInteraction.SEARCHTYPE, TypeRestfulInteraction.PATCH}) {
                resource.addInteraction(new ResourceInteractionComponent().setCode(interaction));
            }
            for (Operations.Declared operation : Operations.ALL) {
                if (operation.appliesTo(type)) {
                    resource.addOperation().setName(operation.name()).setDefinition(operation.definition());
                }
            }
            if (ReadOnlyResources.isReadOnly(type) || AccessPolicy.ADMIN_TYPES.contains(type)) {
                // Published from the protocol files, or written by the server itself: clients only read them.
                resource.getInteraction().removeIf(i -> !READ_INTERACTIONS.contains(i.getCode()));
                resource.setUpdateCreate(false).setConditionalCreate(false).setConditionalUpdate(false)
                        .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
            }
            for (SearchParameterInfo parameter : search.supportedParameters(type)) {
                resource.addSearchParam().setName(parameter.name()).setType(parameter.type())
                        .setDefinition(parameter.definition()).setDocumentation(parameter.documentation());
            }
            search.includes(type).forEach(resource::addSearchInclude);
            search.revIncludes(type).forEach(resource::addSearchRevInclude);
        }
        return statement;
    }
}
