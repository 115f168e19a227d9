// swift-tools-version:6.1
// pirl-robot: a Swift runtime for RL-fine-tuned flow-matching robot policies.
// Layout follows docs/design/architecture.md: one library target per concern,
// one C target per C library, the `pirl-robot` executable wiring them together.
import PackageDescription

let package = Package(
    name: "pirl-robot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pirl-robot", targets: ["pirl-robot"]),
        .library(name: "RobotIO", targets: ["RobotIO"]),
        .library(name: "Camera", targets: ["Camera"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Policy", targets: ["Policy"]),
        .library(name: "SimTrainer", targets: ["SimTrainer"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "TwinServe", targets: ["TwinServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // libserialport (Debian: libserialport-dev) for real USB-serial adapters.
        .systemLibrary(
            name: "CLibSerialPort",
            pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]
        ),
        // Thin libc wrappers Swift cannot call directly: variadic ioctl/fcntl and
        // the serial ioctls (TIOCEXCL, TIOCGSERIAL/TIOCSSERIAL, termios2 custom baud).
        .target(name: "CSerialShim"),
        .target(
            name: "RobotIO",
            dependencies: [
                "CLibSerialPort",
                "CSerialShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // OpenBLAS's CBLAS (Debian: libopenblas-dev) for the Policy module's matrix products.
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The one uint8 → [−1, 1] pixel mapping that camera frames, observations and rollout
        // batches share (a target of its own: neither Camera nor Policy depends on the other).
        .target(name: "PixelConversion"),
        // The flow policy: tensors, layers, network, samplers, likelihoods, checkpoints.
        .target(
            name: "Policy",
            dependencies: ["CBLAS", "PixelConversion"]
        ),
        // πRL training (docs/design/flow-rl.md §2, §5, §6): SFT, PPO, GRPO, run outputs, YAML configs.
        .target(
            name: "Training",
            dependencies: ["Policy", "Camera", "SimTrainer", "Runtime", .product(name: "Yams", package: "Yams")]
        ),
        // libv4l2 (Debian: libv4l-dev): the variadic v4l2_ioctl and VIDIOC_* codes.
        .target(name: "CV4L2", linkerSettings: [.linkedLibrary("v4l2")]),
        // libturbojpeg (Debian: libturbojpeg0-dev): MJPEG decode of the frame in use.
        .target(name: "CTurboJPEG", linkerSettings: [.linkedLibrary("turbojpeg")]),
        // libpng (Debian: libpng-dev): PNG snapshots through the simplified write API.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(
            name: "Camera",
            dependencies: ["CV4L2", "CTurboJPEG", "CPNG", "PixelConversion"]
        ),
        // The control loop: safety filter, action queue, fixed-rate schedule, robot backends.
        .target(
            name: "Runtime",
            dependencies: ["RobotIO", "Camera", "Policy", "SimTrainer", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // MuJoCo 2.2.2 (Debian: libmujoco-dev): MJCF from memory, divergence checks.
        .target(name: "CMuJoCo", linkerSettings: [.linkedLibrary("mujoco")]),
        // OSMesa (Debian: libosmesa6-dev): off-screen GL contexts for MuJoCo's renderer.
        .target(name: "COSMesa", linkerSettings: [.linkedLibrary("OSMesa")]),
        .target(
            name: "SimTrainer",
            dependencies: ["RobotIO", "Camera", "Policy", "CMuJoCo", "COSMesa"]
        ),
        // The twin's live camera source: the shared-memory MJPEG frame ring, one header
        // shared with the fake libv4l2 plugin (Tests/fake-v4l2) that serves it as a camera.
        .target(name: "CFrameRing"),
        // `sim serve`: the twin in wall-clock real time behind a joint port, its cameras
        // rendered, MJPEG-encoded and published into frame rings (docs/sim-serve.md).
        .target(
            name: "TwinServe",
            dependencies: ["SimTrainer", "Camera", "RobotIO", "CFrameRing", "CMuJoCo", "CTurboJPEG",
                           .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "pirl-robot",
            dependencies: [
                "RobotIO",
                "Camera",
                "Policy",
                "Runtime",
                "SimTrainer",
                "Training",
                "TwinServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "Runtime",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RobotIOTests",
            dependencies: [
                "RobotIO",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "SimTrainerTests",
            dependencies: ["SimTrainer", "RobotIO", "Camera", "Policy"]
        ),
        .testTarget(
            name: "TwinServeTests",
            dependencies: ["TwinServe", "SimTrainer", "Camera", "CFrameRing", "RobotIO", "TestSupport"]
        ),
        .testTarget(
            name: "CameraTests",
            dependencies: ["Camera", "TestSupport"],
            exclude: ["Reference"]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PolicyTests",
            dependencies: ["Policy", "TestSupport"],
            exclude: ["python"]
        ),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["Training", "Policy", "SimTrainer", "TestSupport"],
            exclude: ["python"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
