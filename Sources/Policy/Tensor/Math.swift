#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin aliases for libm, so the numerics files need no platform imports.
func _log(_ x: Double) -> Double { log(x) }
func _sin(_ x: Double) -> Double { sin(x) }
func _cos(_ x: Double) -> Double { cos(x) }
func _exp(_ x: Float) -> Float { expf(x) }
func _log(_ x: Float) -> Float { logf(x) }
func _tanh(_ x: Float) -> Float { tanhf(x) }
func _sin(_ x: Float) -> Float { sinf(x) }
func _cos(_ x: Float) -> Float { cosf(x) }
func _exp(_ x: Double) -> Double { exp(x) }
func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
func _pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
