package health.ductcare.fhir.validation;

import ca.uhn.fhir.context.ConfigurationException;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.util.XmlUtil;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.IValidationPolicyAdvisor;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Does what HAPI's {@link FhirInstanceValidator} does with its default settings plus
 * {@code anyExtensionsAllowed}, but hands each validation a pooled {@link ReusableInstanceValidator} instead of
 * building a new HL7 InstanceValidator (whose constructor parses the OID registry, ~10 ms of CPU).
 *
 * <p>The body of {@link #validate} mirrors HAPI 8.8.1's package-private {@code ValidatorWrapper.validate} and
 * {@code BaseValidatorBridge.doValidate}, setting for setting; ValidatorEquivalenceTest checks that both give the
 * same issues on the official R4 examples. An instance is used by one thread at a time: at most
 * {@code poolSize} validations run at once (validation is CPU-bound, so more would not finish sooner), and an
 * instance is retired after {@code maxUsesPerInstance} validations, or at once if a validation threw, so
 * nothing it might still accumulate can grow without bound.
 */
public final class PooledInstanceValidatorModule implements IValidatorModule {

    private final IValidationSupport validationSupport;
    private final WorkerContextValidationSupportAdapter workerContext;
    private final IValidationPolicyAdvisor policyAdvisor = new FhirDefaultPolicyAdvisor();
    private final boolean reuse;
    private final int maxUsesPerInstance;
    private final Semaphore permits;
    private final BlockingQueue<ReusableInstanceValidator> idle;
    private final AtomicLong instancesBuilt = new AtomicLong();
    /** The OID registry parsed by the first instance built; later ones share it (it is only read). */
    private volatile Object sharedOidRegistry;
    private final Gson gson = new Gson();

    public PooledInstanceValidatorModule(IValidationSupport validationSupport, int poolSize,
            int maxUsesPerInstance) {
        if (poolSize < 1 || maxUsesPerInstance < 1) {
            throw new IllegalArgumentException("poolSize and maxUsesPerInstance must be at least 1");
        }
        this.validationSupport = validationSupport;
        this.workerContext = WorkerContextValidationSupportAdapter.newVersionSpecificWorkerContextWrapper(
                validationSupport);
        this.reuse = ReusableInstanceValidator.resetSupported();
        this.maxUsesPerInstance = maxUsesPerInstance;
        this.permits = new Semaphore(poolSize, true);
        this.idle = new ArrayBlockingQueue<>(poolSize);
    }

    /** False when this HL7 core version cannot be reset safely: every validation then gets a new instance. */
    public boolean reusesInstances() {
        return reuse;
    }

    public String reuseUnsupportedReason() {
        return ReusableInstanceValidator.resetUnsupportedReason();
    }

    /** How many InstanceValidators were constructed so far (each costs one OID-registry parse). */
    public long instancesBuilt() {
        return instancesBuilt.get();
    }

    public IValidationSupport validationSupport() {
        return validationSupport;
    }

    @Override
    public void validateResource(IValidationContext<IBaseResource> context) {
        for (ValidationMessage message : validate(context)) {
            context.addValidationMessage(toHapi(message));
        }
    }

    private List<ValidationMessage> validate(IValidationContext<?> context) {
        acquirePermit();
        ReusableInstanceValidator validator = null;
        boolean clean = false;
        try {
            validator = idle.poll();
            if (validator == null) {
                validator = newInstanceValidator();
            }
            List<ValidationMessage> messages = validateWith(validator, context);
            clean = true;
            return messages;
        } finally {
            if (validator != null) {
                giveBack(validator, clean);
            }
            permits.release();
        }
    }

    private void acquirePermit() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a validator", e);
        }
    }

    private void giveBack(ReusableInstanceValidator validator, boolean clean) {
        if (!reuse || !clean) {
            return;
        }
        try {
            validator.resetAfterValidation();
        } catch (RuntimeException e) {
            return; // not reset, so not reused
        }
        if (validator.validations() < maxUsesPerInstance) {
            idle.offer(validator);
        }
    }

    private ReusableInstanceValidator newInstanceValidator() {
        ReusableInstanceValidator v;
        try {
            v = new ReusableInstanceValidator(workerContext, new FhirInstanceValidator.NullEvaluationContext(),
                    new XVerExtensionManagerOld(workerContext), sharedOidRegistry);
        } catch (Exception e) {
            throw new ConfigurationException("Cannot build the FHIR instance validator: " + e.getMessage(), e);
        }
        instancesBuilt.incrementAndGet();
        if (sharedOidRegistry == null) {
            sharedOidRegistry = v.oidRegistry();
        }
        // The settings ValidatorWrapper applies per call, with FhirInstanceValidator's defaults and
        // anyExtensionsAllowed=true. The validator never changes them while validating.
        v.setAssumeValidRestReferences(false);
        v.setBestPracticeWarningLevel(null);
        v.setAnyExtensionsAllowed(true);
        v.setResourceIdRule(IdStatus.OPTIONAL);
        v.setNoTerminologyChecks(false);
        v.setErrorForUnknownProfiles(true);
        v.setUnknownCodeSystemsCauseErrors(true);
        v.setFetcher(null);
        v.setPolicyAdvisor(policyAdvisor);
        v.setNoExtensibleWarnings(false);
        v.setNoBindingMsgSuppressed(false);
        v.setAllowExamples(false);
        v.setAllowXsiLocation(true);
        return v;
    }

    private List<ValidationMessage> validateWith(ReusableInstanceValidator validator, IValidationContext<?> context) {
        List<ValidationMessage> messages = new ArrayList<>();
        List<StructureDefinition> profiles = new ArrayList<>();
        List<ValidationMessage> invalidProfileMessages = new ArrayList<>();
        for (String profileUrl : context.getOptions().getProfiles()) {
            fetchProfile(profiles, profileUrl, invalidProfileMessages);
        }

        String input = context.getResourceAsString();
        EncodingEnum encoding = context.getResourceAsStringEncoding();
        InputStream stream = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        if (encoding == EncodingEnum.XML) {
            Document document;
            try {
                document = XmlUtil.parseDocument(input);
            } catch (Exception e) {
                ValidationMessage m = new ValidationMessage();
                m.setLevel(ValidationMessage.IssueSeverity.FATAL);
                m.setMessage("Failed to parse input, it does not appear to be valid XML:" + e.getMessage());
                messages.add(m);
                return messages;
            }
            for (String profileUrl : xmlMetaProfiles(document)) {
                fetchProfile(profiles, profileUrl, invalidProfileMessages);
            }
            validator.validate(null, messages, stream, Manager.FhirFormat.XML, profiles);
        } else if (encoding == EncodingEnum.JSON) {
            JsonObject json = gson.fromJson(input, JsonObject.class);
            JsonObject meta = json.getAsJsonObject("meta");
            if (meta != null) {
                JsonElement profileElement = meta.get("profile");
                if (profileElement != null && profileElement.isJsonArray()) {
                    JsonArray profileArray = profileElement.getAsJsonArray();
                    for (JsonElement element : profileArray) {
                        fetchProfile(profiles, element.getAsString(), invalidProfileMessages);
                    }
                }
            }
            validator.validate(context.getOptions().getAppContext(), messages, stream, Manager.FhirFormat.JSON,
                    profiles);
        } else {
            throw new IllegalArgumentException("Unknown encoding: " + encoding);
        }

        if (profiles.isEmpty() && !invalidProfileMessages.isEmpty()) {
            messages.addAll(invalidProfileMessages);
        }
        List<ValidationMessage> kept = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            if (!isSuppressed(m)) {
                kept.add(m);
            }
        }
        for (ValidationMessage m : kept) {
            if (I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(m.getMessageId())
                    || I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(m.getMessageId())) {
                m.setLevel(ValidationMessage.IssueSeverity.ERROR); // errorForUnknownProfiles is true
            }
        }
        return kept;
    }

    /** The two messages HAPI drops: a binding without a source, and the unknown mimetypes value set. */
    private static boolean isSuppressed(ValidationMessage m) {
        String id = m.getMessageId();
        return id != null && (id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
                || (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
                        && m.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
    }

    private void fetchProfile(List<StructureDefinition> profiles, String url, List<ValidationMessage> invalid) {
        try {
            StructureDefinition definition = workerContext.fetchResource(StructureDefinition.class, url);
            if (definition != null) {
                profiles.add(definition);
            } else {
                ValidationMessage m = new ValidationMessage();
                m.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
                m.setLevel(ValidationMessage.IssueSeverity.ERROR);
                m.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
                invalid.add(m);
            }
        } catch (FHIRException e) {
            // as HAPI: a profile that cannot be loaded is left out
        }
    }

    private static List<String> xmlMetaProfiles(Document document) {
        List<String> names = new ArrayList<>();
        NodeList list = document.getChildNodes().item(0).getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i).getNodeName().compareToIgnoreCase("meta") == 0) {
                NodeList metaList = list.item(i).getChildNodes();
                for (int j = 0; j < metaList.getLength(); j++) {
                    if (metaList.item(j).getNodeName().compareToIgnoreCase("profile") == 0) {
                        names.add(metaList.item(j).getAttributes().item(0).getNodeValue());
                    }
                }
                break;
            }
        }
        return names;
    }

    private static SingleValidationMessage toHapi(ValidationMessage riMessage) {
        SingleValidationMessage hapiMessage = new SingleValidationMessage();
        if (riMessage.getCol() != -1) {
            hapiMessage.setLocationCol(riMessage.getCol());
        }
        if (riMessage.getLine() != -1) {
            hapiMessage.setLocationLine(riMessage.getLine());
        }
        hapiMessage.setLocationString(riMessage.getLocation());
        hapiMessage.setMessage(riMessage.getMessage());
        if (riMessage.getLevel() != null) {
            hapiMessage.setSeverity(ResultSeverityEnum.fromCode(riMessage.getLevel().toCode()));
        }
        // HAPI keeps only ids that look like message keys; its terminology service puts sentences there
        if (riMessage.getMessageId() != null && !riMessage.getMessageId().contains(" ")) {
            hapiMessage.setMessageId(riMessage.getMessageId());
        }
        if (riMessage.hasSliceInfo()) {
            hapiMessage.setSliceMessages(riMessage.getSliceInfo().stream().map(ValidationMessage::getMessage)
                    .toList());
        }
        return hapiMessage;
    }
}
