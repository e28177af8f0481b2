#pragma once
// One test executable per folder: every test class registers itself with
// QL_TEST(Class) at the end of its file, and the folder's executable runs the
// class named by its first argument (ctest adds one test per class), or every
// class when the first argument names none.
#include <QObject>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ql::test {

struct Registration {
    std::string name;
    std::function<std::unique_ptr<QObject>()> make;
};

/// The classes registered in this executable, in registration order.
std::vector<Registration> &registry();

struct Registrar {
    Registrar(const char *name, std::function<std::unique_ptr<QObject>()> make);
};

} // namespace ql::test

#define QL_TEST_CONCAT2(a, b) a##b
#define QL_TEST_CONCAT(a, b) QL_TEST_CONCAT2(a, b)
/// Registers a Qt Test class with the folder's test executable.
#define QL_TEST(Class)                                                                                                 \
    static const ::ql::test::Registrar QL_TEST_CONCAT(qlTestRegistrar_, __COUNTER__)(                                  \
        #Class, [] { return std::unique_ptr<QObject>(new Class); });
