package health.ductcare.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import health.ductcare.fhir.validation.LeanDefinitions;
import health.ductcare.fhir.validation.OfflineR4Support;
import health.ductcare.fhir.validation.PooledInstanceValidatorModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/**
 * The service's validator must report exactly what HAPI's stock FhirInstanceValidator reports: same issues, same
 * order, same severity, location, line/column, message id and text, on the official examples (fhir-examples
 * 5.0.0, whose index files mark each example OK, PARSE or VALIDATION; the PARSE ones are left out). The service's
 * validator is the pooled one over definitions compacted by {@link LeanDefinitions}; the stock one validates every
 * example first, over the full definitions (HAPI shares one copy of the base definitions per FHIR version, so the
 * compaction happens between the two passes).
 *
 * <p>The pooled side has a single instance, so one HL7 InstanceValidator validates every example in turn, valid
 * and invalid interleaved: state left behind by one validation would change the issues of a later one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidatorEquivalenceTest {

    private static final Set<String> TYPES =
            Set.of("Condition", "MedicationRequest", "Observation", "Patient", "CarePlan", "Bundle");
    private static final Set<String> XML_TYPES = Set.of("Condition", "MedicationRequest", "CarePlan", "Patient");
    /** Leaves out the definition bundles (profiles-resources.json is 30 MB): they check nothing more. */
    private static final int MAX_EXAMPLE_BYTES = 300_000;
    private static final Pattern JSON_TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"([A-Za-z]+)\"");
    private static final Pattern XML_TYPE = Pattern.compile("<([A-Za-z]+)[\\s>]");

    private FhirValidator stock;
    private FhirValidator pooled;
    private PooledInstanceValidatorModule pooledModule;
    private final Map<String, Integer> comparedByType = new TreeMap<>();
    private final List<Example> examples = new ArrayList<>();
    private final List<List<Issue>> stockIssues = new ArrayList<>();
    private int compactedDefinitions;
    private int invalidExamplesWithErrors;

    record Example(String path, String status, String type, String text) {
    }

    record Issue(String severity, String location, Integer line, Integer col, String messageId, String message,
            List<String> sliceMessages) {
        static Issue of(SingleValidationMessage m) {
            return new Issue(String.valueOf(m.getSeverity()), m.getLocationString(), m.getLocationLine(),
                    m.getLocationCol(), m.getMessageId(), m.getMessage(), m.getSliceMessages());
        }
    }

    /** Held so the level sticks: HAPI logs every CodeSystem fetch at INFO. */
    private static final java.util.logging.Logger HAPI_TERMINOLOGY_LOG = quiet("ca.uhn.fhir.log");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    @BeforeAll
    void buildValidators() {
        FhirContext context = FhirContext.forR4();
        FhirInstanceValidator stockModule = new FhirInstanceValidator(OfflineR4Support.chain(context));
        stockModule.setAnyExtensionsAllowed(true);
        stock = context.newValidator().registerValidatorModule(stockModule);
        pooledModule = new PooledInstanceValidatorModule(OfflineR4Support.chain(context), 1, Integer.MAX_VALUE);
        pooled = context.newValidator().registerValidatorModule(pooledModule);
        examples.addAll(examples("spec-json.txt", JSON_TYPE, TYPES));
        examples.addAll(examples("spec-xml.txt", XML_TYPE, XML_TYPES));
        for (Example example : examples) {
            stockIssues.add(issues(stock.validateWithResult(example.text())));
        }
        compactedDefinitions = LeanDefinitions.compact(pooledModule.validationSupport());
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> pooledValidatorReportsTheSameIssuesAsHapi() {
        return IntStream.range(0, examples.size()).mapToObj(index -> {
            Example example = examples.get(index);
            return DynamicTest.dynamicTest(example.path(), () -> {
                List<Issue> expected = stockIssues.get(index);
                List<Issue> actual = issues(pooled.validateWithResult(example.text()));
                assertThat(actual).as(example.path()).containsExactlyElementsOf(expected);
                comparedByType.merge(example.type(), 1, Integer::sum);
                if (example.status().equals("VALIDATION") && expected.stream().anyMatch(i -> i.severity().equals("ERROR"))) {
                    invalidExamplesWithErrors++;
                }
            });
        });
    }

    @Test
    @Order(2)
    void everyTypeWasComparedAndOneInstanceDidAllTheWork() {
        assertThat(comparedByType.keySet()).containsAll(TYPES);
        assertThat(comparedByType.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(5));
        // the comparison covered failing validations too, not only clean ones
        assertThat(invalidExamplesWithErrors).isPositive();
        assertThat(pooledModule.reusesInstances()).as(pooledModule.reuseUnsupportedReason()).isTrue();
        assertThat(pooledModule.instancesBuilt()).isEqualTo(1);
        // every base StructureDefinition was compacted before the pooled validator ran
        assertThat(compactedDefinitions).isGreaterThan(600);
    }

    @Test
    @Order(2)
    void compactedDefinitionsShareEqualTexts() {
        String patientElement = r5Copy("Patient").getSnapshot().getElementFirstRep().getConstraint().stream()
                .filter(constraint -> constraint.getKey().equals("dom-2")).findFirst().orElseThrow().getExpression();
        String conditionElement = r5Copy("Condition").getSnapshot().getElementFirstRep().getConstraint().stream()
                .filter(constraint -> constraint.getKey().equals("dom-2")).findFirst().orElseThrow().getExpression();

        assertThat(conditionElement).isEqualTo(patientElement).isSameAs(patientElement);
    }

    private org.hl7.fhir.r5.model.StructureDefinition r5Copy(String type) {
        var original = (org.hl7.fhir.r4.model.StructureDefinition) pooledModule.validationSupport()
                .fetchStructureDefinition("http://hl7.org/fhir/StructureDefinition/" + type);
        return (org.hl7.fhir.r5.model.StructureDefinition) original.getUserData(
                org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter.class.getName()
                        + "_TO_CANONICAL_USERDATA_KEY");
    }

    @Test
    @Order(3)
    void repeatedValidationOfTheSameResourceGivesTheSameIssues() {
        String condition = "{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                + "\"code\":\"1287638006\"}]},\"bodySite\":[{\"coding\":[{\"system\":\"urn:oid:2.16.840.1.113883.6.96\","
                + "\"code\":\"80248007\"}]}],\"onsetDateTime\":\"2025-13-01\"}";
        List<Issue> expected = issues(stock.validateWithResult(condition));
        assertThat(expected).extracting(Issue::severity).contains("ERROR");
        for (int i = 0; i < 5; i++) {
            assertThat(issues(pooled.validateWithResult(condition))).containsExactlyElementsOf(expected);
        }
        // instances retired after each use: every validation gets a new one sharing the first one's OID registry
        PooledInstanceValidatorModule retiring =
                new PooledInstanceValidatorModule(pooledModule.validationSupport(), 2, 1);
        FhirValidator retiringValidator = FhirContext.forR4().newValidator().registerValidatorModule(retiring);
        for (int i = 0; i < 3; i++) {
            assertThat(issues(retiringValidator.validateWithResult(condition))).containsExactlyElementsOf(expected);
        }
        assertThat(retiring.instancesBuilt()).isEqualTo(3);
    }

    @AfterAll
    void report() {
        // the next user of the shared base definitions reloads them whole
        new DefaultProfileValidationSupport(FhirContext.forR4Cached()).flush();
        System.out.println("ValidatorEquivalenceTest compared " + comparedByType + ", invalid examples with errors: "
                + invalidExamplesWithErrors);
    }

    private static List<Issue> issues(ValidationResult result) {
        return result.getMessages().stream().map(Issue::of).toList();
    }

    private static List<Example> examples(String index, Pattern typePattern, Set<String> types) {
        List<Example> examples = new ArrayList<>();
        for (String line : resource(index).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2 || parts[0].equals("PARSE")) {
                continue;
            }
            byte[] bytes = bytes(parts[1]);
            if (bytes.length > MAX_EXAMPLE_BYTES) {
                continue;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            String head = text.substring(0, Math.min(text.length(), 400));
            if (typePattern == XML_TYPE) {
                head = head.replaceFirst("^(?s)(<\\?xml[^>]*>\\s*)?(<!--.*?-->\\s*)*", "");
            }
            Matcher m = typePattern.matcher(head);
            if (m.find() && types.contains(m.group(1))) {
                examples.add(new Example(parts[1], parts[0], m.group(1), text));
            }
        }
        return examples;
    }

    private static String resource(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String path) {
        try (InputStream in = ValidatorEquivalenceTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Not on the test classpath: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
