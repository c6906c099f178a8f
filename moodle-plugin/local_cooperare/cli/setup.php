<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * From an installed plugin to a working web service: web services, REST, the service, the user, the token.
 *
 * A thin wrapper around \local_cooperare\local\setup (which holds the logic and its tests).
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

// The plugin lives in local/cooperare (Moodle 4.5, 5.0) or public/local/cooperare (5.1+, config.php one level up).
$configs = [__DIR__ . '/../../../config.php', __DIR__ . '/../../../../config.php'];
$found = false;
foreach ($configs as $config) {
    if (is_readable($config)) {
        require($config);
        $found = true;
        break;
    }
}
if (!$found) {
    fwrite(STDERR, "config.php not found: the plugin must be installed in local/cooperare of a Moodle site\n");
    exit(1);
}
require_once($CFG->libdir . '/clilib.php');

[$options, $unrecognised] = cli_get_params(
    ['user' => '', 'token-file' => '', 'max-input-vars' => '', 'help' => false],
    ['h' => 'help']
);
if ($unrecognised) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognised)), 2);
}
if ($options['help'] || $options['user'] === '') {
    echo "Set up the web service of local_cooperare for the account the cooperare tool works as.

Turns on web services and REST, enables the service 'cooperare', authorises the user on it and creates a
permanent token (printed once, or written to a file of mode 0600), then reports what it cannot fix itself:
PHP's max_input_vars, the Romanian language pack, the site timezone, missing capabilities.
Safe to run again: nothing already in place is changed and the token is reused.

Options:
    --user=USERNAME        the account (a manager or an administrator)
    --token-file=FILE      write the token to FILE (mode 0600) instead of printing it
    --max-input-vars=N     PHP's max_input_vars of the web server, when it differs from the CLI's
-h, --help                 this help

Example:
    sudo -u www-data php local/cooperare/cli/setup.php --user=cooperare --token-file=/root/cooperare.token
";
    exit($options['help'] ? 0 : 2);
}

\core\session\manager::set_user(get_admin());
$maxinputvars = $options['max-input-vars'] === '' ? null : (int) $options['max-input-vars'];
try {
    $report = \local_cooperare\local\setup::run($options['user'], $maxinputvars);
    foreach ($report['ok'] as $line) {
        cli_writeln("ok:      {$line}");
    }
    foreach ($report['done'] as $line) {
        cli_writeln("done:    {$line}");
    }
    if ($options['token-file'] !== '') {
        $token = $report['token'] ?? \local_cooperare\local\setup::token_value($report['tokenid']);
        $written = \local_cooperare\local\setup::write_token_file($options['token-file'], $token);
        cli_writeln(($written ? 'done:    token written to ' : 'ok:      token already in ') . $options['token-file']);
    } else if ($report['token'] !== null) {
        cli_writeln('token:   ' . $report['token'] . '   (shown once; keep it in a file only you can read)');
    }
    foreach ($report['warnings'] as $line) {
        cli_writeln("warning: {$line}");
    }
} catch (moodle_exception $e) {
    cli_error('error:   ' . ($e->debuginfo ?: $e->getMessage()), 1);
}
exit(0);
