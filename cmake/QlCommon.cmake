# Options shared by every project target: standard, warnings, Qt defines.
add_library(ql_project_options INTERFACE)
target_compile_features(ql_project_options INTERFACE cxx_std_20)
target_compile_options(ql_project_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -pedantic>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${QL_WERROR}>>:-Werror>
  # One code model in libraries, tests and executables, so that all of them can
  # share one torch precompiled header (GCC rejects a PCH built with -fPIC in a -fPIE compile).
  $<$<COMPILE_LANGUAGE:CXX>:-fPIC>
  # GCC 12 reports false -Wrestrict / -Wstringop-overflow / -Warray-bounds positives inside
  # std::string at -O3 (GCC bugs 105329 and 105651).
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-restrict -Wno-stringop-overflow -Wno-array-bounds>)
target_compile_definitions(ql_project_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QL_VERSION="${PROJECT_VERSION}")

# Where Qt and libtorch meet, Qt's keywords must be off (libtorch uses `slots` as a name).
add_library(ql_qt_no_keywords INTERFACE)
target_compile_definitions(ql_qt_no_keywords INTERFACE QT_NO_KEYWORDS)

# QL_SANITIZE=address,undefined builds project code with those sanitizers (libtorch and Qt stay
# uninstrumented). See CONTRIBUTING.md for the environment the tests need under ASan.
set(QL_SANITIZE "" CACHE STRING "Sanitizers for project code, e.g. address,undefined (empty: none)")
if(QL_SANITIZE)
  target_compile_options(ql_project_options INTERFACE -fsanitize=${QL_SANITIZE} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(ql_project_options INTERFACE -fsanitize=${QL_SANITIZE})
endif()
