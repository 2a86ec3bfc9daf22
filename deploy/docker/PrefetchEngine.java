import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Image build step, not part of the service: starts libtorch once so that DJL puts its native
 * libraries into DJL_CACHE_DIR (CPU: extracted from the pytorch-native-cpu jar; GPU: downloaded
 * for the PYTORCH_FLAVOR asked for), then runs one tensor op to prove that the JNI loads.
 * A container started from the image then finds everything in place and writes nothing there.
 *
 * <p>Run with the JDK's source launcher: {@code java -cp 'lib/*' PrefetchEngine.java}.
 */
public class PrefetchEngine {

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = engine.newBaseManager()) {
            NDArray sum = manager.arange(4f).sum();
            if (sum.getFloat() != 6f) {
                throw new IllegalStateException("libtorch computed " + sum.getFloat() + " for 0+1+2+3");
            }
        }
        System.out.printf("libtorch %s ready in %s%n", engine.getVersion(), LibUtils.getLibtorchPath());
    }
}
