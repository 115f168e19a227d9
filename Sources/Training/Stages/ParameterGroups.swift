import Policy

/// Which tensors each stage trains (docs/design/flow-rl.md §5: the encoder is frozen during RL).
public enum ParameterGroups {
    /// SFT: encoder and velocity network (the noise head, the steering head and the critic
    /// get no flow-matching gradient).
    public static func sft(_ policy: FlowPolicy, learningRate: Float, weightDecay: Float) -> [AdamW.Group] {
        [AdamW.Group(name: "sft", layout: policy.parameters.layout, learningRate: learningRate, weightDecay: weightDecay) {
            !isNoiseHead($0) && !isCritic($0) && !isRLHead($0)
        }]
    }

    /// RL with `method`: `actor` (velocity network and noise head; for noise steering or the
    /// residual their head alone, the flow frozen; a steering head stays frozen under the other
    /// methods) and `critic` (value head); the encoder is left out.
    public static func rl(_ policy: FlowPolicy, method: SamplerMethod, actorLearningRate: Float, criticLearningRate: Float,
                          weightDecay: Float) -> [AdamW.Group] {
        let layout = policy.parameters.layout
        return [
            AdamW.Group(name: "actor", layout: layout, learningRate: actorLearningRate, weightDecay: weightDecay) {
                method.trainsHead ? isRLHead($0) : !policy.isEncoderParameter($0) && !isCritic($0) && !isRLHead($0)
            },
            AdamW.Group(name: "critic", layout: layout, learningRate: criticLearningRate, weightDecay: weightDecay, where: isCritic),
        ]
    }

    /// Tensors of the Flow-Noise head.
    public static func isNoiseHead(_ name: String) -> Bool { name.hasPrefix("noise_head.") }
    /// Tensors of the heads RL trains on a frozen flow (noise steering, residual).
    public static func isRLHead(_ name: String) -> Bool { FlowPolicy.isNoiseSteeringParameter(name) || FlowPolicy.isResidualParameter(name) }
    /// Tensors of the critic.
    public static func isCritic(_ name: String) -> Bool { name.hasPrefix("value_head.") }
}
