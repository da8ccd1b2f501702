// The Gradle init script the Gradle builder hands to the user's Gradle (`--init-script`), written
// to do what aws-lambda-builders' lambda-build-init.gradle does for sam build: every project builds
// under the scratch directory (`<scratch>/<SHA-1 of its canonical directory>/build`), so nothing is
// written into the sources; after a project's `build` task, its jar unpacked and its runtime class
// path (as lib/*.jar) go to `build/distributions/lambda-build` — Lambda's Java layout.

/** The system property naming the scratch directory. */
export const GRADLE_SCRATCH_PROPERTY = 'lambdaworkbench.scratch-dir';

/** Where a project's function lands, relative to its build directory. */
export const GRADLE_OUTPUT = ['distributions', 'lambda-build'] as const;

export const GRADLE_INIT_SCRIPT = `// Written by Lambda Workbench: lays a Lambda function out as sam build does (see gradleBuilder.ts).
import java.security.MessageDigest

def scratchDir = System.getProperty('${GRADLE_SCRATCH_PROPERTY}')
if (scratchDir == null) {
    throw new GradleException("Missing system property '${GRADLE_SCRATCH_PROPERTY}'")
}

def buildDirOf = { p ->
    def key = MessageDigest.getInstance('SHA-1').digest(p.projectDir.canonicalPath.getBytes('UTF-8')).encodeHex().toString()
    new File(new File(scratchDir, key), 'build')
}

gradle.afterProject { p ->
    p.layout.buildDirectory.set(buildDirOf(p))
}

gradle.taskGraph.afterTask { task, state ->
    if (task.name != 'build' || state.failure != null) {
        return
    }
    def p = task.project
    def out = new File(buildDirOf(p), '${GRADLE_OUTPUT.join('/')}')
    p.delete(out)
    def jar = p.tasks.findByName('jar')
    if (jar != null) {
        jar.outputs.files.each { archive -> p.copy { from p.zipTree(archive); into out } }
    }
    def runtime = p.configurations.findByName('runtimeClasspath')
    def lib = new File(out, 'lib')
    lib.mkdirs()
    if (runtime != null) {
        p.copy { from runtime; into lib }
    }
}
`;
