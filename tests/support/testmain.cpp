// The main() of every test executable: runs one registered class (first
// argument) or all of them, with the remaining arguments passed to Qt Test.
#include "tests/support/testmain.h"

#include <QtTest>

#ifdef QL_TEST_WIDGETS
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

#include <cstdio>
#include <cstring>

namespace ql::test {

std::vector<Registration> &registry()
{
    static std::vector<Registration> classes;
    return classes;
}

Registrar::Registrar(const char *name, std::function<std::unique_ptr<QObject>()> make)
{
    std::string n = name;
    if (const auto colon = n.rfind(':'); colon != std::string::npos)
        n = n.substr(colon + 1); // ql::core::quant::TestLsq -> TestLsq
    registry().push_back({n, std::move(make)});
}

} // namespace ql::test

int main(int argc, char **argv)
{
    TestApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    std::vector<char *> rest{argv[0]};
    const char *only = nullptr;
    int first = 1;
    if (argc > 1) {
        for (const auto &r : ql::test::registry())
            if (r.name == argv[1])
                only = argv[1];
        if (only)
            first = 2;
        else if (std::strcmp(argv[1], "--list-classes") == 0) {
            for (const auto &r : ql::test::registry())
                std::printf("%s\n", r.name.c_str());
            return 0;
        }
    }
    for (int i = first; i < argc; ++i)
        rest.push_back(argv[i]);
    int failures = 0;
    for (const auto &r : ql::test::registry()) {
        if (only && r.name != only)
            continue;
        const auto object = r.make();
        failures += QTest::qExec(object.get(), int(rest.size()), rest.data());
    }
    return failures > 0 ? 1 : 0;
}
