// Standalone harness: CPU and allocation per validation of one Condition, HAPI's stock FhirInstanceValidator
// against DuctCare's pooled module, outside Quarkus. Run through bench/validation-cost (it builds the classpath).
//
//   java -cp <classpath> bench/validation/ValidationCost.java [stock|pooled] [validations] [threads]
//
// Prints the first (cold) validation time, then per-validation CPU ms, allocated KB and validations/s over the
// measured loop (after a warm loop of the same size). No assertions: numbers only.
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.fhir.validation.OfflineR4Support;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

public class ValidationCost {

    static final String CONDITION = """
        {"resourceType":"Condition","identifier":[{"system":"urn:x-fhir-load:condition","value":"bench-c000001"}],
         "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active","display":"Active"}]},
         "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed","display":"Confirmed"}]},
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis","display":"Encounter Diagnosis"}]}],
         "severity":{"coding":[{"system":"http://snomed.info/sct","code":"6736007","display":"Moderate"}]},
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"1287638006","display":"Puerperal mastitis"},
                           {"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"O91.23","display":"Nonpurulent mastitis associated with lactation"}],
                 "text":"Lactational mastitis following a blocked milk duct"},
         "bodySite":[{"coding":[{"system":"http://snomed.info/sct","code":"80248007","display":"Left breast structure"}]}],
         "subject":{"reference":"Patient/bench-p0001"},"onsetDateTime":"2025-01-06T13:00:00-05:00","recordedDate":"2025-01-07T13:00:00-05:00",
         "note":[{"text":"Exclusively breastfeeding, 3 weeks postpartum. Blocked duct for 2 days."}]}
        """;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "pooled";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        FhirContext context = FhirContext.forR4();
        int poolSize = mode.equals("stock") ? 0 : Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        FhirValidator validator = context.newValidator()
                .registerValidatorModule(FhirValidation.module(OfflineR4Support.chain(context), poolSize, 10_000));

        long t0 = System.nanoTime();
        ValidationResult first = validator.validateWithResult(CONDITION);
        System.out.printf("mode=%s first_validation_ms=%d issues=%d%n", mode, (System.nanoTime() - t0) / 1_000_000,
                first.getMessages().size());
        first.getMessages().forEach(m -> System.out.println("  " + m.getSeverity() + " " + m.getLocationString() + " " + m.getMessage()));

        run(validator, n, threads, "warm");
        run(validator, n, threads, "measured");
    }

    static void run(FhirValidator validator, int n, int threads, String label) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        AtomicLong alloc = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long wall0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int share = n / threads;
            Thread worker = new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                long a0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < share; i++) {
                    validator.validateWithResult(CONDITION);
                }
                cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                alloc.addAndGet(mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0);
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double wallS = (System.nanoTime() - wall0) / 1e9;
        int done = (n / threads) * threads;
        System.out.printf("%s: validations=%d threads=%d wall_s=%.2f per_s=%.1f cpu_ms_per_validation=%.2f alloc_kb_per_validation=%.0f%n",
                label, done, threads, wallS, done / wallS, cpu.get() / 1e6 / done, alloc.get() / 1024.0 / done);
    }
}
