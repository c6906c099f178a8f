<?php
// This file is part of cooperare - https://github.com/ (the ACoR plugin pack).
//
// This program is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// This program is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with this program.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Print the web-service contract of local_cooperare as JSON, without Moodle.
 *
 * Defines minimal stand-ins for Moodle's external API description classes and constants (with Moodle's values),
 * loads the plugin's version.php, db/services.php and classes/external/*.php, calls execute_parameters() and
 * execute_returns() of every function and prints {component, version, release, functions} where each function has
 * the shape of the entries of the recorded moodle-contract functions.json.
 *
 * Usage: php tools/dump_plugin_contract.php [path/to/local_cooperare]
 *
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace {
    define('MOODLE_INTERNAL', true);

    // PARAM_* constants in the order lib/moodlelib.php defines them, with the same values: when two share a value,
    // the first one is the name reported (PARAM_INT, not PARAM_INTEGER), as in the recorded contract.
    const COOPERARE_PARAM_CONSTANTS = [
        'PARAM_ALPHA' => 'alpha', 'PARAM_ALPHAEXT' => 'alphaext', 'PARAM_ALPHANUM' => 'alphanum',
        'PARAM_ALPHANUMEXT' => 'alphanumext', 'PARAM_AUTH' => 'auth', 'PARAM_BASE64' => 'base64',
        'PARAM_BOOL' => 'bool', 'PARAM_CAPABILITY' => 'capability', 'PARAM_CLEANHTML' => 'cleanhtml',
        'PARAM_EMAIL' => 'email', 'PARAM_FILE' => 'file', 'PARAM_FLOAT' => 'float',
        'PARAM_LOCALISEDFLOAT' => 'localisedfloat', 'PARAM_HOST' => 'host', 'PARAM_INT' => 'int',
        'PARAM_LANG' => 'lang', 'PARAM_LOCALURL' => 'localurl', 'PARAM_NOTAGS' => 'notags', 'PARAM_PATH' => 'path',
        'PARAM_PEM' => 'pem', 'PARAM_PERMISSION' => 'permission', 'PARAM_RAW' => 'raw',
        'PARAM_RAW_TRIMMED' => 'raw_trimmed', 'PARAM_SAFEDIR' => 'safedir', 'PARAM_SAFEPATH' => 'safepath',
        'PARAM_SEQUENCE' => 'sequence', 'PARAM_TAG' => 'tag', 'PARAM_TAGLIST' => 'taglist', 'PARAM_TEXT' => 'text',
        'PARAM_THEME' => 'theme', 'PARAM_URL' => 'url', 'PARAM_USERNAME' => 'username', 'PARAM_STRINGID' => 'stringid',
        'PARAM_CLEAN' => 'clean', 'PARAM_INTEGER' => 'int', 'PARAM_NUMBER' => 'float', 'PARAM_ACTION' => 'alphanumext',
        'PARAM_FORMAT' => 'alphanumext', 'PARAM_MULTILANG' => 'text', 'PARAM_TIMEZONE' => 'timezone',
        'PARAM_CLEANFILE' => 'cleanfile', 'PARAM_COMPONENT' => 'component', 'PARAM_AREA' => 'area',
        'PARAM_PLUGIN' => 'plugin',
    ];
    foreach (COOPERARE_PARAM_CONSTANTS as $name => $value) {
        define($name, $value);
    }
    define('VALUE_REQUIRED', 1);
    define('VALUE_OPTIONAL', 2);
    define('VALUE_DEFAULT', 0);
    define('NULL_NOT_ALLOWED', false);
    define('NULL_ALLOWED', true);
    // Moodle defines the text formats as strings.
    define('FORMAT_MOODLE', '0');
    define('FORMAT_HTML', '1');
    define('FORMAT_PLAIN', '2');
    define('FORMAT_MARKDOWN', '4');
    define('MATURITY_ALPHA', 50);
    define('MATURITY_BETA', 100);
    define('MATURITY_RC', 150);
    define('MATURITY_STABLE', 200);
    define('ANY_VERSION', 'any');
}

namespace core_external {
    /** Stand-in for core_external\external_description. */
    abstract class external_description {
        /** @var string */
        public $desc;
        /** @var int */
        public $required;
        /** @var mixed */
        public $default;
        /** @var bool */
        public $allownull;

        /**
         * Constructor.
         *
         * @param string $desc
         * @param int $required
         * @param mixed $default
         * @param bool $allownull
         */
        public function __construct($desc, $required, $default, $allownull = NULL_NOT_ALLOWED) {
            if (!in_array($required, [VALUE_DEFAULT, VALUE_REQUIRED, VALUE_OPTIONAL], true)) {
                throw new \InvalidArgumentException('invalid $required value ' . var_export($required, true));
            }
            $this->desc = $desc;
            $this->required = $required;
            $this->default = $default;
            $this->allownull = (bool) $allownull;
        }
    }

    /** Stand-in for core_external\external_value. */
    class external_value extends external_description {
        /** @var string */
        public $type;

        /**
         * Constructor.
         *
         * @param string $type
         * @param string $desc
         * @param int $required
         * @param mixed $default
         * @param bool $allownull
         */
        public function __construct($type, $desc = '', $required = VALUE_REQUIRED, $default = null,
                $allownull = NULL_ALLOWED) {
            parent::__construct($desc, $required, $default, $allownull);
            $this->type = $type;
        }
    }

    /** Stand-in for core_external\external_single_structure. */
    class external_single_structure extends external_description {
        /** @var external_description[] */
        public $keys;

        /**
         * Constructor.
         *
         * @param array $keys
         * @param string $desc
         * @param int $required
         * @param mixed $default
         * @param bool $allownull
         */
        public function __construct(array $keys, $desc = '', $required = VALUE_REQUIRED, $default = null,
                $allownull = NULL_NOT_ALLOWED) {
            parent::__construct($desc, $required, $default, $allownull);
            $this->keys = $keys;
        }
    }

    /** Stand-in for core_external\external_multiple_structure. */
    class external_multiple_structure extends external_description {
        /** @var external_description */
        public $content;

        /**
         * Constructor.
         *
         * @param external_description $content
         * @param string $desc
         * @param int $required
         * @param mixed $default
         * @param bool $allownull
         */
        public function __construct(external_description $content, $desc = '', $required = VALUE_REQUIRED,
                $default = null, $allownull = NULL_NOT_ALLOWED) {
            parent::__construct($desc, $required, $default, $allownull);
            $this->content = $content;
        }
    }

    /** Stand-in for core_external\external_function_parameters. */
    class external_function_parameters extends external_single_structure {
        /**
         * Constructor.
         *
         * @param array $keys
         * @param string $desc
         * @param int $required
         * @param mixed $default
         */
        public function __construct(array $keys, $desc = '', $required = VALUE_REQUIRED, $default = null) {
            parent::__construct($keys, $desc, $required, $default, NULL_NOT_ALLOWED);
        }
    }

    /** Stand-in for core_external\external_warnings. */
    class external_warnings extends external_multiple_structure {
        /**
         * Constructor.
         *
         * @param string $itemdesc
         * @param string $itemiddesc
         * @param string $warningcodedesc
         */
        public function __construct($itemdesc = 'item', $itemiddesc = 'item id',
                $warningcodedesc = 'the warning code can be used by the client app to implement specific behaviour') {
            parent::__construct(
                new external_single_structure([
                    'item' => new external_value(PARAM_TEXT, $itemdesc, VALUE_OPTIONAL),
                    'itemid' => new external_value(PARAM_INT, $itemiddesc, VALUE_OPTIONAL),
                    'warningcode' => new external_value(PARAM_ALPHANUM, $warningcodedesc),
                    'message' => new external_value(PARAM_RAW, 'untranslated english message to explain the warning'),
                ], 'warning'),
                'list of warnings',
                VALUE_OPTIONAL
            );
        }
    }

    /** Stand-in for core_external\external_api: only what a description needs. */
    class external_api {
    }
}

namespace cooperare_dump {
    use core_external\external_description;
    use core_external\external_multiple_structure;
    use core_external\external_single_structure;
    use core_external\external_value;

    /**
     * The name of a PARAM_* value, first constant wins.
     *
     * @param string $value
     * @return string
     */
    function param_name(string $value): string {
        foreach (COOPERARE_PARAM_CONSTANTS as $name => $constantvalue) {
            if ($constantvalue === $value) {
                return $name;
            }
        }
        throw new \InvalidArgumentException("unknown PARAM type '{$value}'");
    }

    /**
     * A description node in the recorded contract's shape.
     *
     * @param external_description $node
     * @return array
     */
    function describe(external_description $node): array {
        if ($node instanceof external_value) {
            $result = ['type' => 'value', 'paramtype' => param_name($node->type)];
        } else if ($node instanceof external_single_structure) {
            $keys = [];
            foreach ($node->keys as $name => $child) {
                $keys[$name] = describe($child);
            }
            $result = ['type' => 'single', 'keys' => (object) $keys];
        } else if ($node instanceof external_multiple_structure) {
            $result = ['type' => 'multiple', 'content' => describe($node->content)];
        } else {
            throw new \InvalidArgumentException('unknown description class ' . get_class($node));
        }
        $result['required'] = $node->required;
        $result['default'] = $node->default;
        $result['allownull'] = $node->allownull;
        return $result;
    }

    /**
     * Build the contract of the plugin in $dir.
     *
     * @param string $dir
     * @return array
     */
    function contract(string $dir): array {
        spl_autoload_register(function (string $class) use ($dir): void {
            $prefix = 'local_cooperare\\';
            if (strpos($class, $prefix) === 0) {
                $file = $dir . '/classes/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
                if (is_file($file)) {
                    require_once($file);
                }
            }
        });
        $plugin = new \stdClass();
        require($dir . '/version.php');
        $functions = [];
        $services = [];
        require($dir . '/db/services.php');

        $result = [];
        ksort($functions);
        foreach ($functions as $name => $definition) {
            $classname = $definition['classname'];
            $methodname = $definition['methodname'] ?? 'execute';
            if (!class_exists($classname)) {
                throw new \RuntimeException("{$name}: class {$classname} not found");
            }
            $parameters = call_user_func([$classname, $methodname . '_parameters']);
            $returns = call_user_func([$classname, $methodname . '_returns']);
            $result[] = [
                'name' => $name,
                'component' => $plugin->component,
                'type' => $definition['type'] ?? 'read',
                'capabilities' => $definition['capabilities'] ?? '',
                'loginrequired' => $definition['loginrequired'] ?? true,
                'ajax' => $definition['ajax'] ?? false,
                'parameters' => describe($parameters),
                'returns' => $returns === null ? null : describe($returns),
            ];
        }
        return [
            'component' => $plugin->component,
            'version' => $plugin->version,
            'release' => $plugin->release,
            'functions' => $result,
        ];
    }

    $dir = $argv[1] ?? (dirname(__DIR__) . '/moodle-plugin/local_cooperare');
    $dir = rtrim($dir, '/');
    if (!is_file($dir . '/version.php')) {
        fwrite(STDERR, "no plugin at {$dir}\n");
        exit(2);
    }
    echo json_encode(contract($dir), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_PRESERVE_ZERO_FRACTION), "\n";
}
