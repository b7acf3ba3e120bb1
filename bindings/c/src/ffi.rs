//! The plumbing every entry point shares: the panic boundary, pointer checks, and the
//! conversion of static strings to C strings.

use std::ffi::c_char;

use crate::types::smtpcode_status;

/// What an entry point returns when the Rust code under it panicked.
pub(crate) trait PanicDefault {
    /// The value returned instead of unwinding into C.
    fn panic_default() -> Self;
}

impl PanicDefault for smtpcode_status {
    fn panic_default() -> Self {
        smtpcode_status::Panic
    }
}

impl PanicDefault for *const c_char {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}

impl PanicDefault for () {
    fn panic_default() -> Self {}
}

impl PanicDefault for usize {
    fn panic_default() -> Self {
        0
    }
}

/// Runs the body of an entry point under `catch_unwind`: a panic becomes the return type's
/// [`PanicDefault`] (`SMTPCODE_STATUS_PANIC`, NULL or 0) instead of unwinding into C. The
/// body may `return` early. Out-parameters are written last, so a panic leaves them alone.
///
/// Written inside each `#[no_mangle] extern "C" fn` (not around it), so that cbindgen sees
/// every function.
macro_rules! ffi_panic_boundary {
    ( $($body:tt)* ) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(_) => $crate::ffi::PanicDefault::panic_default(),
        }
    };
}
pub(crate) use ffi_panic_boundary;

/// Returns the status from the enclosing function when `result` is an error.
macro_rules! try_status {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(status) => return status,
        }
    };
}
pub(crate) use try_status;

/// Writes `value` through the out-parameter `out` and returns `SMTPCODE_STATUS_OK`.
///
/// # Safety
///
/// `out` must be NULL-checked already ([`non_null`]) and point to writable memory for a `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) -> smtpcode_status {
    // SAFETY: the caller checked `out` for NULL; the C contract says it points to a `T`.
    unsafe { out.write(value) };
    smtpcode_status::Ok
}

/// `Err(SMTPCODE_STATUS_NULL_ARGUMENT)` when `p` is NULL.
pub(crate) fn non_null<T>(p: *mut T) -> Result<*mut T, smtpcode_status> {
    if p.is_null() {
        Err(smtpcode_status::NullArgument)
    } else {
        Ok(p)
    }
}

/// The input bytes `buf[0..len]`. NULL with `len == 0` is the empty input; NULL with any
/// other length is `SMTPCODE_STATUS_NULL_ARGUMENT`; a length above `isize::MAX` (which no
/// object can have) is `SMTPCODE_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// When `buf` is not NULL it must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn input<'a>(
    buf: *const c_char,
    len: usize,
) -> Result<&'a [u8], smtpcode_status> {
    if buf.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(smtpcode_status::NullArgument)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(smtpcode_status::InvalidArgument);
    }
    // SAFETY: `buf` is not NULL, `len` fits in isize, and the caller promises `len` readable
    // bytes; u8 has no alignment requirement.
    Ok(unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) })
}

/// True when the byte right after `s` in memory is NUL and `s` holds no NUL itself, so that
/// `s.as_ptr()` is a valid C string with the same content.
///
/// The core crate stores every table string (and every string of a classification) with a
/// NUL byte after it, precisely so that this library can hand them to C without copying.
pub(crate) fn is_c_string(s: &'static str) -> bool {
    // SAFETY: by the core crate's guarantee the byte at `s.len()` belongs to the same static
    // allocation (it is the NUL stored after the string). Reading it is what this check is for.
    let after = unsafe { s.as_ptr().add(s.len()).read() };
    after == 0 && !s.as_bytes().contains(&0)
}

/// The static string `s` as a C string, without copying (see [`is_c_string`]; checked in
/// debug builds).
pub(crate) fn c_str(s: &'static str) -> *const c_char {
    debug_assert!(
        is_c_string(s),
        "static string {s:?} is not followed by a NUL byte"
    );
    s.as_ptr().cast()
}

/// [`c_str`], or NULL for `None`.
pub(crate) fn c_str_or_null(s: Option<&'static str>) -> *const c_char {
    s.map_or(std::ptr::null(), c_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panics() -> smtpcode_status {
        ffi_panic_boundary! {
            if std::hint::black_box(true) {
                panic!("test panic");
            }
            smtpcode_status::Ok
        }
    }

    #[test]
    fn a_panic_becomes_a_status() {
        // The default hook prints the message to stderr; the call returns normally.
        assert_eq!(panics(), smtpcode_status::Panic);
        let p: *const c_char = ffi_panic_boundary! { panic!("test panic") };
        assert!(p.is_null());
        let n: usize = ffi_panic_boundary! { panic!("test panic") };
        assert_eq!(n, 0);
    }

    #[test]
    fn early_return_through_the_boundary() {
        fn f(fail: bool) -> smtpcode_status {
            ffi_panic_boundary! {
                try_status!(if fail { Err(smtpcode_status::NotFound) } else { Ok(()) });
                smtpcode_status::Ok
            }
        }
        assert_eq!(f(true), smtpcode_status::NotFound);
        assert_eq!(f(false), smtpcode_status::Ok);
    }

    #[test]
    fn input_pointer_rules() {
        // SAFETY: NULL pointers and a valid 3-byte buffer.
        unsafe {
            assert_eq!(input(std::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(
                input(std::ptr::null(), 1),
                Err(smtpcode_status::NullArgument)
            );
            let b = b"550";
            assert_eq!(input(b.as_ptr().cast(), 3), Ok(&b[..]));
            assert_eq!(
                input(b.as_ptr().cast(), usize::MAX),
                Err(smtpcode_status::InvalidArgument)
            );
        }
        assert_eq!(
            non_null(std::ptr::null_mut::<u8>()),
            Err(smtpcode_status::NullArgument)
        );
    }

    #[test]
    fn c_strings() {
        let s = smtpcode::Reason::MailboxUnknown.as_str();
        assert!(is_c_string(s));
        // SAFETY: c_str returns a NUL-terminated static string.
        let back = unsafe { std::ffi::CStr::from_ptr(c_str(s)) };
        assert_eq!(back.to_str(), Ok(s));
        assert!(c_str_or_null(None).is_null());
    }
}
